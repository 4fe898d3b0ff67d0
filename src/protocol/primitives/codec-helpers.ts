import { ProtocolEncodeError } from './protocol-error.js';

/** The shared empty byte array used as the default of `bytes` fields. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/** The error for a null value in a field that is not nullable at the version being written. */
export function nullError(messageName: string, version: number, field: string): ProtocolEncodeError {
  return new ProtocolEncodeError(messageName, version, field, 'null is not allowed in this version');
}
