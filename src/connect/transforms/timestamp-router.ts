/**
 * TimestampRouter (org.apache.kafka.connect.transforms.TimestampRouter): sets the topic to
 * `topic.format` with `${topic}` replaced by the topic and `${timestamp}` by the record timestamp
 * formatted with `timestamp.format` (SimpleDateFormat subset, UTC; see date-format.ts). A record
 * without a timestamp is a DataException.
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { TransformConfigDef, nonEmptyString } from './config.js';
import { SimpleDateFormat } from './date-format.js';

const CONFIG_DEF = new TransformConfigDef()
  .define('topic.format', 'STRING', '${topic}-${timestamp}', 'HIGH', 'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.', nonEmptyString)
  .define('timestamp.format', 'STRING', 'yyyyMMdd', 'HIGH', 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.', nonEmptyString);

export class TimestampRouter<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Update the record\'s topic field as a function of the original topic value and the record timestamp.';
  private topicFormat = '';
  private timestampFormat = new SimpleDateFormat('yyyyMMdd');

  configure(props: Readonly<Record<string, string>>): void {
    const config = CONFIG_DEF.parse(props);
    this.topicFormat = config.getString('topic.format')!;
    this.timestampFormat = new SimpleDateFormat(config.getString('timestamp.format')!);
  }

  apply(record: R): R {
    if (record.timestamp === null) throw new DataException(`Timestamp missing on record: ${record.constructor.name}{topic=${record.topic}}`);
    const formatted = this.timestampFormat.format(new Date(record.timestamp));
    const topic = this.topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', formatted);
    return record.with({ topic }) as R;
  }

  config(): TransformConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
