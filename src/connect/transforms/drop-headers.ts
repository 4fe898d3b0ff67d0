/**
 * DropHeaders (org.apache.kafka.connect.transforms.DropHeaders): removes every header whose key is
 * one of `headers`.
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { ConnectHeaders } from '../api/data/headers.js';
import { ConfigDef, NonEmptyListValidator } from '../api/config-def.js';
import { SimpleConfig } from './simple-config.js';

const CONFIG_DEF = new ConfigDef()
  .define('headers', 'LIST', { validator: new NonEmptyListValidator(), importance: 'HIGH', documentation: 'The name of the headers to be removed.' });

export class DropHeaders<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Removes one or more headers from each record.';
  private headers = new Set<string>();

  configure(props: Readonly<Record<string, string>>): void {
    this.headers = new Set(new SimpleConfig(CONFIG_DEF, props).getList('headers'));
  }

  apply(record: R): R {
    const kept = new ConnectHeaders([...record.headers].filter((h) => !this.headers.has(h.key)));
    return record.with({ headers: kept }) as R;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
