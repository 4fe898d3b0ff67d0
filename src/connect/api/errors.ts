/**
 * Connect's exception family, named as Kafka names them so that messages and `instanceof` checks
 * read the same as in Kafka Connect: ConnectException is the root, DataException reports bad data
 * or schemas, SchemaBuilderException a misuse of SchemaBuilder (a DataException in Kafka too).
 */
export class ConnectException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectException';
  }
}

export class DataException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataException';
  }
}

export class SchemaBuilderException extends DataException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaBuilderException';
  }
}

/** A bad converter/worker setting (Kafka's org.apache.kafka.common.config.ConfigException). */
export class ConfigException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigException';
  }
}

/** A failure worth retrying (Kafka's org.apache.kafka.connect.errors.RetriableException): the worker retries instead of failing the task. */
export class RetriableException extends ConnectException {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableException';
  }
}
