/**
 * Shared pieces of the distributed-mode tests: worker properties with short group timeouts, JSON
 * over HTTP to a worker's REST API, file helpers, polling waits and `connect-distributed` processes.
 */
import type { ChildProcess } from 'node:child_process';
import { finished, spawnBin, type BinResult } from '../../cli/cli-test-support.js';
import { sleep, until as untilEvery } from '../connect-test-support.js';

/** Worker properties for a test cluster: short session/heartbeat timeouts, a 2 s scheduled rebalance delay, frequent offset flushes. */
export function workerProps(bootstrap: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'bootstrap.servers': bootstrap,
    'group.id': `${prefix}-cluster`,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'config.storage.topic': `${prefix}-configs`,
    'offset.storage.topic': `${prefix}-offsets`,
    'offset.storage.partitions': '3',
    'status.storage.topic': `${prefix}-status`,
    'status.storage.partitions': '2',
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '1000',
    'rebalance.timeout.ms': '15000',
    'scheduled.rebalance.max.delay.ms': '2000',
    'offset.flush.interval.ms': '300',
    listeners: 'http://127.0.0.1:0',
    ...extra,
  };
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** One REST call; the body parsed as JSON when there is one. */
export async function http(method: string, url: string, body?: unknown): Promise<HttpAnswer> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** A REST call retried while the cluster answers 409 (rebalancing) or 5xx; the first other answer. */
export async function httpSettled(method: string, url: string, body?: unknown, timeoutMs = 60_000): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let answer: HttpAnswer;
    try {
      answer = await http(method, url, body);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(200);
      continue;
    }
    if ((answer.status !== 409 && answer.status < 500) || Date.now() > deadline) return answer;
    await sleep(200);
  }
}

export { fileText, lines, sleep } from '../connect-test-support.js';

/** `until` of connect-test-support polling every 100 ms (the checks here are often REST calls). */
export function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  return untilEvery(what, check, timeoutMs, 100);
}

/** A `connect-distributed` process started by a test. */
export interface WorkerProcess {
  child: ChildProcess;
  result: Promise<BinResult>;
  /** The REST URL, from its "Kafka Connect started" log line. */
  url: Promise<string>;
  exited: boolean;
}

/** Starts `connect-distributed workerFile`; `url` resolves with the REST URL from its "Kafka Connect started" log line. */
export function startWorkerProcess(workerFile: string): WorkerProcess {
  const child = spawnBin('connect-distributed', [workerFile], { SAMSA_LOG_LEVEL: 'info' });
  const result = finished(child, 600_000);
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /"url":"([^"]+)"[^\n]*Kafka Connect started/.exec(out);
      if (m !== null) resolve(m[1]!);
    });
    void result.then((r) => reject(new Error(`the worker exited before it started: ${JSON.stringify(r).slice(0, 4000)}`)));
  });
  const worker: WorkerProcess = { child, result, url, exited: false };
  void result.then(() => (worker.exited = true));
  return worker;
}
