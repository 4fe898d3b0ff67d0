import { ERROR_TABLE, ErrorCode } from './generated/error-codes.js';
import type { ErrorCodeName } from './generated/error-codes.js';

export { ErrorCode };
export type { ErrorCodeName };

/** Kafka's name for an error code; `UNKNOWN_ERROR_CODE_<n>` for a code Kafka does not define. */
export function errorName(code: number): ErrorCodeName | `UNKNOWN_ERROR_CODE_${number}` {
  return ERROR_TABLE.get(code)?.name ?? `UNKNOWN_ERROR_CODE_${code}`;
}

/** Whether a client may retry after this error, per Kafka's error table. */
export function isRetriable(code: number): boolean {
  return ERROR_TABLE.get(code)?.retriable ?? false;
}
