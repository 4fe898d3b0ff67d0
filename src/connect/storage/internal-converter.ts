/**
 * The converter of Connect's internal topics: JsonConverter with `schemas.enable=false`, as Kafka's
 * worker uses for config, status and offset records (compact JSON without the schema envelope).
 */
import { JsonConverter } from '../converters/json/json-converter.js';

export function internalConverter(): JsonConverter {
  const converter = new JsonConverter();
  converter.configure({ 'schemas.enable': 'false' }, false);
  return converter;
}
