/**
 * DropHeaders (org.apache.kafka.connect.transforms.DropHeaders): removes every header whose key is
 * one of `headers`.
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { ConnectHeaders } from '../api/data/headers.js';
import { TransformConfigDef, NO_DEFAULT, nonEmptyList } from './config.js';

const CONFIG_DEF = new TransformConfigDef()
  .define('headers', 'LIST', NO_DEFAULT, 'HIGH', 'The name of the headers to be removed.', nonEmptyList);

export class DropHeaders<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Removes one or more headers from each record.';
  private headers = new Set<string>();

  configure(props: Readonly<Record<string, string>>): void {
    this.headers = new Set(CONFIG_DEF.parse(props).getList('headers'));
  }

  apply(record: R): R {
    const kept = new ConnectHeaders([...record.headers].filter((h) => !this.headers.has(h.key)));
    return record.with({ headers: kept }) as R;
  }

  config(): TransformConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
