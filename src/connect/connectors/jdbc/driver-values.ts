/**
 * Small helpers shared by the two drivers' DbConnection implementations: a driver error as a
 * readable message, and parameters turned into what both drivers bind the same way.
 */

/** A driver error's message; Node's AggregateError (a host with several addresses) as its parts' messages. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: unknown; sqlState?: unknown; errors?: unknown };
  let message = e.message;
  // Node's net errors for a host with several addresses come as an AggregateError with an empty message.
  if (message === '' && Array.isArray(e.errors)) message = e.errors.map((x) => (x instanceof Error ? x.message : String(x))).join('; ');
  if (message === '' && typeof e.code === 'string') message = e.code;
  return message;
}

/** Turns a Date parameter into UTC text both databases read (`2024-02-29 23:59:59.123`); other values pass through. */
export function bindValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('cannot bind an invalid Date');
    return value.toISOString().replace('T', ' ').replace('Z', '');
  }
  return value;
}
