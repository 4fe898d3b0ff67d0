/**
 * The connector's view of which tables to copy (Confluent's TableMonitorThread): reads the
 * database's tables (catalog.pattern, schema.pattern, table.types), keeps those the whitelist
 * names (by table name, by `catalog.table`/`schema.table`, quoted or not) or the blacklist does
 * not, and checks again every `table.poll.interval.ms`. When the set changed after the first
 * read it asks the runtime to reconfigure the tasks (`requestTaskReconfiguration`).
 *
 * A whitelisted table that does not exist is simply not copied (Confluent's behaviour), with a
 * warning naming it. Two matching tables with the same unqualified name would write to the same
 * topic: that fails, as in Confluent.
 */
import { ConnectException } from '../../../api/errors.js';
import type { Logger } from '../../../../logging/logger.js';
import type { DbConnectionProvider } from '../db-connection-provider.js';
import { describeError } from '../driver-values.js';
import { listTables } from '../table-metadata.js';
import type { TableId } from '../table-metadata.js';
import type { JdbcSourceConfig } from './jdbc-source-config.js';
import { tableFullName } from './source-offsets.js';

function names(table: TableId): string[] {
  const full = tableFullName(table);
  const quotedBackticks = full.split('.').map((p) => `\`${p}\``).join('.');
  const quotedDouble = full.split('.').map((p) => `"${p}"`).join('.');
  const withCatalog = [table.catalog, table.schema, table.name].filter((p) => p !== undefined).join('.');
  return [table.name, full, quotedBackticks, quotedDouble, withCatalog];
}

export class TableMonitor {
  private current: TableId[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<boolean> | null = null;
  private warnedMissing = new Set<string>();

  constructor(
    private readonly provider: DbConnectionProvider,
    private readonly config: JdbcSourceConfig,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {}

  /** The tables to copy, or null before the first successful read. */
  tables(): TableId[] | null {
    return this.current === null ? null : [...this.current];
  }

  /** Reads the table list once; throws when the database cannot be reached. */
  async start(): Promise<void> {
    await this.update();
    this.timer = setInterval(() => {
      void this.check().catch(() => undefined);
    }, this.config.tablePollIntervalMs);
    this.timer.unref();
  }

  /** Reads the table list again; true (and the reconfiguration request made) when it changed. */
  async check(): Promise<boolean> {
    if (this.checking !== null) return this.checking;
    this.checking = (async () => {
      try {
        const previous = this.current;
        const changed = await this.update();
        if (changed && previous !== null) {
          this.logger.info({ tables: this.current?.map(tableFullName) }, 'The set of tables to copy changed; requesting task reconfiguration');
          this.onChange();
          return true;
        }
        return false;
      } catch (err) {
        this.logger.error({ err: describeError(err) }, 'Error while trying to get updated table list, ignoring and waiting for next table poll interval');
        return false;
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** True when the filtered list differs from the previous one. */
  private async update(): Promise<boolean> {
    const conn = await this.provider.connection();
    const all = await listTables(conn, { catalogPattern: this.config.catalogPattern, schemaPattern: this.config.schemaPattern, tableTypes: this.config.tableTypes });
    let filtered: TableId[];
    if (this.config.whitelist.length > 0) {
      const wanted = new Set(this.config.whitelist);
      filtered = all.filter((t) => names(t).some((n) => wanted.has(n)));
      for (const entry of this.config.whitelist) {
        if (!filtered.some((t) => names(t).includes(entry)) && !this.warnedMissing.has(entry)) {
          this.warnedMissing.add(entry);
          this.logger.warn({ table: entry }, `Table ${entry} in table.whitelist was not found in the database; it is not copied`);
        }
      }
    } else if (this.config.blacklist.length > 0) {
      const unwanted = new Set(this.config.blacklist);
      filtered = all.filter((t) => !names(t).some((n) => unwanted.has(n)));
    } else {
      filtered = all;
    }
    const byName = new Map<string, TableId[]>();
    for (const t of filtered) byName.set(t.name, [...(byName.get(t.name) ?? []), t]);
    const duplicates = [...byName.values()].filter((ts) => ts.length > 1);
    if (duplicates.length > 0 && this.config.whitelist.length > 0) {
      throw new ConnectException(
        `The connector uses the unqualified table name as the topic name and has detected duplicate unqualified table names. ` +
        `This could lead to mixed data types in the topic and downstream processing errors. To prevent such processing errors, ` +
        `the JDBC Source connector fails to start when it detects duplicate table name configurations. Update the connector's ` +
        `'table.whitelist' config to include exactly one table in each of the tables listed below.\n\t${duplicates.map((ts) => `[${ts.map(tableFullName).join(', ')}]`).join('\n\t')}`,
      );
    }
    const key = (ts: TableId[] | null): string => (ts === null ? '' : ts.map(tableFullName).join('\n'));
    if (this.current !== null && key(this.current) === key(filtered)) return false;
    this.current = filtered;
    this.logger.debug({ tables: filtered.map(tableFullName) }, 'Based on the supplied filtering rules, the tables available to read from');
    return true;
  }
}
