/**
 * A failure the REST layer answers itself with a given HTTP status (Kafka's ConnectRestException):
 * malformed bodies, name mismatches, forwarding conflicts. Herder failures keep their own types
 * and are mapped by `httpStatusFor`.
 */
import { ConnectException } from '../api/errors.js';

export class RestError extends ConnectException {
  constructor(readonly status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RestError';
  }
}
