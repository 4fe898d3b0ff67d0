/**
 * InsertHeader (org.apache.kafka.connect.transforms.InsertHeader): adds header `header` with the
 * value of `value.literal`, parsed as Kafka's Values.parseString does (via the SimpleHeaderConverter's
 * parser: booleans, the smallest integer type, floats/decimals, else a string).
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import type { SchemaAndValue } from '../api/data/schema.js';
import { parseHeaderString } from '../converters/simple-header-converter.js';
import { TransformConfigDef, NO_DEFAULT } from './config.js';

const CONFIG_DEF = new TransformConfigDef()
  .define('header', 'STRING', NO_DEFAULT, 'HIGH', 'The name of the header.')
  .define('value.literal', 'STRING', NO_DEFAULT, 'HIGH', 'The literal value that is to be set as the header value on all records.');

export class InsertHeader<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Add a header to each record.';
  private header = '';
  private literalValue: SchemaAndValue = { schema: null, value: null };

  configure(props: Readonly<Record<string, string>>): void {
    const config = CONFIG_DEF.parse(props);
    this.header = config.getString('header')!;
    this.literalValue = parseHeaderString(config.getString('value.literal')!);
  }

  apply(record: R): R {
    const headers = record.headers.duplicate();
    headers.add(this.header, this.literalValue.value, this.literalValue.schema);
    return record.with({ headers }) as R;
  }

  config(): TransformConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
