/**
 * The connector plugins Samsa ships, by Kafka's class names and aliases: the fully qualified
 * Java class name, the simple class name, and the simple name without its `Connector` suffix
 * (Kafka's PluginUtils aliases), e.g. `org.apache.kafka.connect.file.FileStreamSourceConnector`,
 * `FileStreamSourceConnector`, `FileStreamSource`.
 */
import type { Connector } from '../api/connector.js';
import { ConfigException } from '../api/errors.js';
import { FileStreamSinkConnector } from './file/file-stream-sink.js';
import { FileStreamSourceConnector } from './file/file-stream-source.js';
import { JdbcSinkConnector } from './jdbc/sink/jdbc-sink-connector.js';
import { JDBC_SOURCE_CONNECTOR_CLASS, JdbcSourceConnector } from './jdbc/source/jdbc-source-connector.js';

export type ConnectorClass = new () => Connector;

export class ConnectorPluginRegistry {
  private readonly byName = new Map<string, { className: string; ctor: ConnectorClass }>();

  /** Registers `ctor` under `className` and its aliases. */
  register(className: string, ctor: ConnectorClass): this {
    const simple = className.slice(className.lastIndexOf('.') + 1);
    const names = new Set([className, simple]);
    if (simple.endsWith('Connector') && simple !== 'Connector') names.add(simple.slice(0, -'Connector'.length));
    for (const n of names) this.byName.set(n, { className, ctor });
    return this;
  }

  /** The full class name `name` stands for, or undefined. */
  className(name: string): string | undefined {
    return this.byName.get(name.trim())?.className;
  }

  newConnector(name: string): Connector {
    const found = this.byName.get(name.trim());
    if (found === undefined) {
      throw new ConfigException(`Failed to find any class that implements Connector and which name matches ${name}, available connectors are: ${this.classNames().join(', ')}`);
    }
    return new found.ctor();
  }

  classNames(): string[] {
    return [...new Set([...this.byName.values()].map((v) => v.className))].sort();
  }
}

export function defaultConnectorRegistry(): ConnectorPluginRegistry {
  return new ConnectorPluginRegistry()
    .register('org.apache.kafka.connect.file.FileStreamSourceConnector', FileStreamSourceConnector)
    .register('org.apache.kafka.connect.file.FileStreamSinkConnector', FileStreamSinkConnector)
    .register('io.confluent.connect.jdbc.JdbcSinkConnector', JdbcSinkConnector)
    .register(JDBC_SOURCE_CONNECTOR_CLASS, JdbcSourceConnector);
}
