/**
 * RecordIsTombstone (org.apache.kafka.connect.transforms.predicates.RecordIsTombstone): true when
 * the record's value is null.
 */
import type { AnyConnectRecord, Predicate } from '../../api/transformation.js';
import { ConfigDef } from '../../api/config-def.js';

const CONFIG_DEF = new ConfigDef();

export class RecordIsTombstone<R extends AnyConnectRecord = AnyConnectRecord> implements Predicate<R> {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records which are tombstones (i.e. have null value).';

  configure(props: Readonly<Record<string, string>>): void {
    void props;
  }

  test(record: R): boolean {
    return record.value === null || record.value === undefined;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
