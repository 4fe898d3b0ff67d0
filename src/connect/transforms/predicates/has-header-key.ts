/**
 * HasHeaderKey (org.apache.kafka.connect.transforms.predicates.HasHeaderKey): true when the record
 * has at least one header named `name`.
 */
import type { AnyConnectRecord, Predicate } from '../../api/transformation.js';
import { ConfigDef, NonEmptyString } from '../../api/config-def.js';
import { SimpleConfig } from '../simple-config.js';

const CONFIG_DEF = new ConfigDef()
  .define('name', 'STRING', { validator: new NonEmptyString(), importance: 'MEDIUM', documentation: 'The header name.' });

export class HasHeaderKey<R extends AnyConnectRecord = AnyConnectRecord> implements Predicate<R> {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records with at least one header with the configured name.';
  private name = '';

  configure(props: Readonly<Record<string, string>>): void {
    this.name = new SimpleConfig(CONFIG_DEF, props).getString('name')!;
  }

  test(record: R): boolean {
    return record.headers.lastWithName(this.name) !== null;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
