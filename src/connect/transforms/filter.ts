/**
 * Filter (org.apache.kafka.connect.transforms.Filter): drops every record it is applied to. Use it
 * with a predicate (`transforms.f.predicate=...`, optionally `negate=true`) to drop only some.
 */
import type { AnyConnectRecord, Transformation } from '../api/transformation.js';
import { ConfigDef } from '../api/config-def.js';

const CONFIG_DEF = new ConfigDef();

export class Filter<R extends AnyConnectRecord = AnyConnectRecord> implements Transformation<R> {
  static readonly OVERVIEW_DOC = 'Drops all records, filtering them from subsequent transformations in the chain. This is intended to be used conditionally to filter out records matching (or not matching) a particular Predicate.';

  configure(props: Readonly<Record<string, string>>): void {
    void props;
  }

  apply(record: R): null {
    void record;
    return null;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
