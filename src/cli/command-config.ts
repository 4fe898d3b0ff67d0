/**
 * `--command-config <file>` of Kafka's tools: client properties (Java properties format). Samsa's
 * tools read `client.id` from it today; security settings (ssl.*, sasl.*) come with TLS and SASL.
 */
import { readFileSync } from 'node:fs';
import { Properties } from 'properties-file';

/** The client id a tool uses: the file's `client.id`, else `fallback`. Throws naming the file when it cannot be read. */
export function clientIdFromCommandConfig(file: string | undefined, fallback: string): string {
  if (file === undefined) return fallback;
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read --command-config ${file}: ${(err as Error).message}`);
  }
  const props = new Properties(text).toObject();
  const id = props['client.id'];
  return id === undefined || id === '' ? fallback : id;
}
