import { ErrorCode } from '../../protocol/generated/error-codes.js';

/** The wire code of a group failure name (null = NONE): the one place group errors become codes. */
export function groupErrorCode(error: string | null): number {
  if (error === null) return ErrorCode.NONE;
  const code = (ErrorCode as Record<string, number>)[error];
  if (code === undefined) throw new Error(`unknown error name ${error}`);
  return code;
}
