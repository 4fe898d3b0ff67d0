import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file';

/**
 * Java properties text (server.properties syntax: `key=value`, `key: value`, `key value`, `#`/`!`
 * comments, `\` continuations and escapes) into key/value pairs, with the keys that are written
 * more than once (Java keeps the last; so do we).
 */
export function parseServerProperties(text: string): { properties: Record<string, string>; duplicates: string[] } {
  const properties = new Properties(text);
  const duplicates = properties
    .getKeyCollisions()
    .map((c) => `'${c.key}' is set on lines ${c.startingLineNumbers.join(', ')}; line ${c.getApplicableLineNumber()} wins`);
  return { properties: properties.toObject(), duplicates };
}

/** Reads a server.properties file into key/value pairs (synchronously: it is read once, at startup). */
export function readServerProperties(path: string): Record<string, string> {
  return parseServerProperties(readFileSync(path, 'utf8')).properties;
}
