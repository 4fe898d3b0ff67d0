import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file';

/**
 * Java properties text (server.properties syntax: `key=value`, `key: value`, `key value`, `#`/`!`
 * comments, `\` continuations and escapes) into key/value pairs, with the keys that are written
 * more than once (Java keeps the last; so do we).
 */
export function parseServerProperties(text: string): { properties: Record<string, string>; duplicates: string[] } {
  const properties = new Properties(asJavaReadsIt(text));
  const duplicates = properties
    .getKeyCollisions()
    .map((c) => `'${c.key}' is set on lines ${c.startingLineNumbers.join(', ')}; line ${c.getApplicableLineNumber()} wins`);
  return { properties: properties.toObject(), duplicates };
}

/**
 * Two things `java.util.Properties.load` accepts that properties-file reads differently: a lone
 * carriage return ends a line, and a backslash at the very end of the file continues onto nothing
 * (the property keeps its value). Both are rewritten into what properties-file reads that way.
 */
function asJavaReadsIt(text: string): string {
  let t = text.replace(/\r(?!\n)/g, '\n');
  const trailing = /\\+$/.exec(t)?.[0].length ?? 0;
  if (trailing % 2 === 1) t = t.slice(0, -1);
  return t;
}

/** Reads a server.properties file into key/value pairs (synchronously: it is read once, at startup). */
export function readServerProperties(path: string): Record<string, string> {
  return parseServerProperties(readFileSync(path, 'utf8')).properties;
}
