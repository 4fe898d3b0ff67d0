/** Kafka Connect for Samsa: the data model, the converter SPI and the built-in converters. */
export { ConnectException, DataException, SchemaBuilderException, ConfigException } from './api/errors.js';
export { ConnectSchema, Field, Schema, SCHEMA_TYPES, isPrimitiveType, validateValue, schemasEqual, NULL_SCHEMA_AND_VALUE } from './api/data/schema.js';
export type { SchemaType, SchemaAndValue } from './api/data/schema.js';
export { SchemaBuilder } from './api/data/schema-builder.js';
export { Struct } from './api/data/struct.js';
export { BigDecimal } from './api/data/big-decimal.js';
export { Decimal, ConnectDate, Time, Timestamp } from './api/data/logical.js';
export { ConnectHeaders } from './api/data/headers.js';
export type { Header } from './api/data/headers.js';
export { ConnectRecord, SourceRecord, SinkRecord } from './api/data/connect-record.js';
export { valuesEqual } from './api/data/values.js';
export type { Converter, HeaderConverter, ConverterConfigs } from './api/converter.js';
export { JsonConverter, JsonConverterConfig } from './converters/json/json-converter.js';
export { StringConverter } from './converters/string-converter.js';
export { ByteArrayConverter } from './converters/byte-array-converter.js';
export { SimpleHeaderConverter } from './converters/simple-header-converter.js';
export { ConverterRegistry, defaultConverterRegistry, converterSetting, newConverters } from './converters/registry.js';
