/**
 * JdbcSinkConnector (Confluent's io.confluent.connect.jdbc.JdbcSinkConnector, aliases
 * JdbcSinkConnector and JdbcSink): writes records from Kafka topics into MySQL/MariaDB or
 * PostgreSQL tables. Every task gets the connector's configuration; topics are spread over the
 * tasks by the consumer group. `validate` adds Confluent's conflict message to `delete.enabled`
 * and `pk.mode` when deletes are enabled without `pk.mode=record_key`.
 */
import type { ConfigDef } from '../../../api/config-def.js';
import { SinkConnector, type ConfigValidation, type ConnectorProps, type Task } from '../../../api/connector.js';
import { DELETE_ENABLED, DELETES_ONLY_WITH_RECORD_KEY, JDBC_SINK_CONFIG_DEF, JdbcSinkConfig, PK_MODE } from './jdbc-sink-config.js';
import { JdbcSinkTask } from './jdbc-sink-task.js';
import { JDBC_SINK_VERSION } from './jdbc-sink-version.js';

export class JdbcSinkConnector extends SinkConnector {
  private props: Record<string, string> = {};

  version(): string {
    return JDBC_SINK_VERSION;
  }

  start(props: ConnectorProps): void {
    new JdbcSinkConfig(props); // fails the connector at once on a bad configuration
    this.props = { ...props };
  }

  taskClass(): new () => Task {
    return JdbcSinkTask;
  }

  taskConfigs(maxTasks: number): Array<Record<string, string>> {
    return Array.from({ length: Math.max(1, maxTasks) }, () => ({ ...this.props }));
  }

  stop(): void {}

  config(): ConfigDef {
    return JDBC_SINK_CONFIG_DEF;
  }

  override validate(props: ConnectorProps): ConfigValidation {
    const validation = super.validate(props);
    const deleteEnabled = validation.configValues.find((v) => v.name === DELETE_ENABLED);
    const pkMode = validation.configValues.find((v) => v.name === PK_MODE);
    if (deleteEnabled?.value === true && pkMode !== undefined && typeof pkMode.value === 'string' && pkMode.value.toLowerCase() !== 'record_key') {
      deleteEnabled.errorMessages.push(DELETES_ONLY_WITH_RECORD_KEY);
      pkMode.errorMessages.push(DELETES_ONLY_WITH_RECORD_KEY);
    }
    return validation;
  }
}
