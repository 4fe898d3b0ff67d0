/**
 * Kafka's text checkpoint files (RECORDS.md section 7): a version line, an entry-count line, then
 * one line per entry. Used for `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint`,
 * `replication-offset-checkpoint` (entries `<topic> <partition> <offset>`) and
 * `leader-epoch-checkpoint` (entries `<epoch> <startOffset>`).
 *
 * Writes are atomic: `<name>.tmp` is written, fsync'ed and renamed over `<name>`, then the
 * directory is fsync'ed so the rename itself is durable.
 */
import { Buffer } from 'node:buffer';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Turns one entry into a line (without the newline) and back; `parse` returns null for a bad line. */
export interface CheckpointFormatter<T> {
  format(entry: T): string;
  parse(line: string): T | null;
}

/** A checkpoint file that cannot be read: wrong version, wrong count or an unparsable line. */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

export class CheckpointFile<T> {
  constructor(
    readonly path: string,
    readonly version: number,
    private readonly formatter: CheckpointFormatter<T>,
  ) {}

  /** Replaces the file's content with `entries`, atomically. */
  write(entries: Iterable<T>): void {
    const lines: string[] = [];
    for (const e of entries) lines.push(this.formatter.format(e));
    const text = `${this.version}\n${lines.length}\n${lines.map((l) => `${l}\n`).join('')}`;
    writeFileAtomically(this.path, text);
  }

  /** The entries; a missing or empty file has none. Throws CheckpointFormatError on a malformed file. */
  read(): T[] {
    if (!existsSync(this.path)) return [];
    return parseCheckpoint(this.path, readFileSync(this.path, 'utf8'), this.version, this.formatter);
  }
}

/** Parses checkpoint text (see CheckpointFile.read); `path` is only used in error messages. */
export function parseCheckpoint<T>(path: string, text: string, version: number, formatter: CheckpointFormatter<T>): T[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  // Every line ends with '\n', so the text ends with an empty piece; tolerate '\r\n' too.
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) lines[i] = lines[i]!.replace(/\r$/, '');
  if (lines.length < 2) throw new CheckpointFormatError(path, 'missing the version or the entry count line');
  const v = parseStrictInt(lines[0]!.trim());
  if (v !== version) throw new CheckpointFormatError(path, `unrecognized version ${JSON.stringify(lines[0])} (expected ${version})`);
  const count = parseStrictInt(lines[1]!.trim());
  if (count === null || count < 0) throw new CheckpointFormatError(path, `bad entry count ${JSON.stringify(lines[1])}`);
  const body = lines.slice(2);
  if (body.length !== count) throw new CheckpointFormatError(path, `expected ${count} entries, found ${body.length}`);
  const out: T[] = [];
  for (const line of body) {
    const e = formatter.parse(line);
    if (e === null) throw new CheckpointFormatError(path, `malformed entry line ${JSON.stringify(line)}`);
    out.push(e);
  }
  return out;
}

/** A decimal integer (optionally negative) that fits in a JS safe integer, or null. */
export function parseStrictInt(s: string): number | null {
  if (!/^-?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** One entry of the per-log-directory offset checkpoints. */
export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** `<topic> <partition> <offset>` (the reader accepts any run of whitespace). */
export const topicPartitionOffsetFormatter: CheckpointFormatter<TopicPartitionOffset> = {
  format: (e) => `${e.topic} ${e.partition} ${e.offset}`,
  parse(line) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) return null;
    const partition = parseStrictInt(parts[1]!);
    const offset = parseStrictInt(parts[2]!);
    if (partition === null || partition < 0 || offset === null) return null;
    return { topic: parts[0]!, partition, offset };
  },
};

/** A checkpoint of `<topic> <partition> <offset>` lines, version 0. */
export function offsetCheckpointFile(path: string): CheckpointFile<TopicPartitionOffset> {
  return new CheckpointFile(path, 0, topicPartitionOffsetFormatter);
}

/** Writes `data` to `path` atomically: `<path>.tmp`, fsync, rename, fsync of the directory. */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    // A full disk, say: the old file stays as it was, and a half-written temporary file would only
    // take space.
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The next write replaces it.
    }
    throw err;
  }
  fsyncDirectory(dirname(path));
}

/** fsync of a directory, so that creations, renames and deletions in it are durable (a no-op where unsupported). */
export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory handle; the rename is durable enough there.
  } finally {
    closeSync(fd);
  }
}
