import { spawn, spawnSync } from 'node:child_process';
import type { InteropCodec, InteropProduceSpec } from './interop-produce-spec.js';

export interface KcatVersion {
  /** kcat's own version, e.g. "1.7.1". */
  kcat: string;
  /** The librdkafka it is built with, e.g. "2.0.2". */
  librdkafka: string;
  /** The whole first lines of `kcat -V`, for provenance notes. */
  banner: string;
}

/** Runs `kcat -V`; null when kcat is not on the PATH (or does not answer within 10 s). */
export function kcatVersion(): KcatVersion | null {
  const result = spawnSync('kcat', ['-V'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined || result.status !== 0) return null;
  const text = `${result.stdout}${result.stderr}`;
  const kcat = /Version (\S+)/.exec(text)?.[1] ?? 'unknown';
  const librdkafka = /librdkafka (\S+)/.exec(text)?.[1] ?? 'unknown';
  const banner = text.split('\n').filter((l) => l.trim() !== '').join('\n');
  return { kcat, librdkafka, banner };
}

export interface KcatProduceOptions {
  /** `host:port` of the broker. */
  bootstrap: string;
  spec: InteropProduceSpec;
  codec: InteropCodec;
  /** Sets `enable.idempotence=true`, which makes librdkafka send InitProducerId first. */
  idempotent?: boolean;
  clientId: string;
  /** Kill kcat after this long; default 20 s. */
  timeoutMs?: number;
  /** Aborting kills kcat at once (use it from a test's `after`). */
  signal?: AbortSignal;
}

export interface KcatProduceResult {
  /** The arguments kcat was run with (the program name excluded). */
  args: string[];
  /** What was written to kcat's standard input. */
  input: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** The kcat arguments used to produce `spec` to `bootstrap`: one line per message, key and value split by a tab. */
export function kcatProduceArgs(options: Omit<KcatProduceOptions, 'timeoutMs' | 'signal'>): string[] {
  const args = ['-P', '-b', options.bootstrap, '-t', options.spec.topic, '-K', '\t', '-z', options.codec];
  for (const [name, value] of options.spec.headers) args.push('-H', `${name}=${value}`);
  args.push(
    '-X', `client.id=${options.clientId}`,
    // Both lines are read at once; a linger of 100 ms keeps them in one batch.
    '-X', 'linger.ms=100',
    '-X', 'message.timeout.ms=10000',
  );
  if (options.idempotent === true) args.push('-X', 'enable.idempotence=true');
  return args;
}

/** Produces the spec's messages with kcat and waits (bounded) for it to exit. */
export function runKcatProducer(options: KcatProduceOptions): Promise<KcatProduceResult> {
  const args = kcatProduceArgs(options);
  const input = options.spec.messages.map((m) => `${m.key}\t${m.value}\n`).join('');
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    child.once('error', (err) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      reject(err);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
      resolve({ args, input, exitCode, signal, timedOut, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}
