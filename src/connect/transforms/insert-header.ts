/**
 * InsertHeader (org.apache.kafka.connect.transforms.InsertHeader): adds header `header` with the
 * value of `value.literal`, parsed as Kafka's Values.parseString does (booleans, the smallest integer
 * type, floats/decimals, ISO dates and times, arrays, maps, else a string; see value-strings.ts).
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { SchemaAndValue } from '../api/data/schema.js';
import { parseString } from '../api/data/value-strings.js';
import { ConfigDef, NonNullValidator } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';

const CONFIG_DEF = new ConfigDef()
  .define('header', 'STRING', { validator: new NonNullValidator(), importance: 'HIGH', documentation: 'The name of the header.' })
  .define('value.literal', 'STRING', { validator: new NonNullValidator(), importance: 'HIGH', documentation: 'The literal value that is to be set as the header value on all records.' });

export class InsertHeader<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Add a header to each record.';
  private header = '';
  private literalValue: SchemaAndValue = { schema: null, value: null };

  configure(props: Readonly<Record<string, string>>): void {
    const config = new SimpleConfig(CONFIG_DEF, props);
    this.header = config.getString('header')!;
    this.literalValue = parseString(config.getString('value.literal')!);
  }

  apply(record: R): R {
    const headers = record.headers.duplicate();
    headers.add(this.header, this.literalValue.value, this.literalValue.schema);
    return record.with({ headers }) as R;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
