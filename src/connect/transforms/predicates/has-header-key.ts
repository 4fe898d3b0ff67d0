/**
 * HasHeaderKey (org.apache.kafka.connect.transforms.predicates.HasHeaderKey): true when the record
 * has at least one header named `name`.
 */
import type { AnyConnectRecord, Predicate } from '../../api/transformation.js';
import { TransformConfigDef, NO_DEFAULT, nonEmptyString } from '../config.js';

const CONFIG_DEF = new TransformConfigDef()
  .define('name', 'STRING', NO_DEFAULT, 'MEDIUM', 'The header name.', nonEmptyString);

export class HasHeaderKey<R extends AnyConnectRecord = AnyConnectRecord> implements Predicate<R> {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records with at least one header with the configured name.';
  private name = '';

  configure(props: Readonly<Record<string, string>>): void {
    this.name = CONFIG_DEF.parse(props).getString('name')!;
  }

  test(record: R): boolean {
    return record.headers.lastWithName(this.name) !== null;
  }

  config(): TransformConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
