/**
 * A write the broker could not make to its disks (a full disk, an I/O error). Request handlers
 * answer it with KAFKA_STORAGE_ERROR, Kafka's code for a disk that failed, rather than as an
 * unexpected error; `cause` is the file system's own error.
 */
export class StorageError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StorageError';
  }
}
