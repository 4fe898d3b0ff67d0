/**
 * TimestampRouter (org.apache.kafka.connect.transforms.TimestampRouter): sets the topic to
 * `topic.format` with `${topic}` replaced by the topic and `${timestamp}` by the record timestamp
 * formatted with `timestamp.format` (SimpleDateFormat subset, UTC; see date-format.ts). A record
 * without a timestamp is a DataException.
 */
import { DataException } from '../api/errors.js';
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { ConfigDef, NonEmptyString } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';
import { SimpleDateFormat } from './date-format.js';

const CONFIG_DEF = new ConfigDef()
  .define('topic.format', 'STRING', { defaultValue: '${topic}-${timestamp}', validator: new NonEmptyString(), importance: 'HIGH', documentation: 'Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.' })
  .define('timestamp.format', 'STRING', { defaultValue: 'yyyyMMdd', validator: new NonEmptyString(), importance: 'HIGH', documentation: 'Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.' });

export class TimestampRouter<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Update the record\'s topic field as a function of the original topic value and the record timestamp.';
  private topicFormat = '';
  private timestampFormat = new SimpleDateFormat('yyyyMMdd');

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.topicFormat = config.getString('topic.format')!;
    this.timestampFormat = new SimpleDateFormat(config.getString('timestamp.format')!);
  }

  apply(record: R): R {
    if (record.timestamp === null) throw new DataException(`Timestamp missing on record: ${record.constructor.name}{topic=${record.topic}}`);
    const formatted = this.timestampFormat.format(new Date(record.timestamp));
    const topic = this.topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', formatted);
    return record.with({ topic }) as R;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
