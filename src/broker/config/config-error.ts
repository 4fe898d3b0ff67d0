/**
 * A configuration value that cannot be used: thrown while parsing server.properties (the broker
 * refuses to start) and carried, as a message, into INVALID_CONFIG answers for topic configs.
 * The message names the key, the bad value and what was expected, like Kafka's ConfigException.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** The configuration key at fault (or the malformed argument when there is no key). */
    readonly key: string,
    message: string,
  ) {
    super(message);
  }

  /** "Invalid value X for configuration K: reason" — the wording Kafka uses. */
  static invalidValue(key: string, value: string, reason: string): ConfigError {
    return new ConfigError(key, `Invalid value ${value} for configuration ${key}: ${reason}`);
  }
}
