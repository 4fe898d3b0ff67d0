/**
 * Preloaded into the broker under test with `node --import` when the benchmark runs with
 * `--diagnose` (no broker code is changed): records event-loop delay and GC pauses, and at
 * process exit writes them as JSON to $SAMSA_BENCH_PROBE_OUT. `markPhase` boundaries come from
 * the orchestrator as SIGUSR2 (each signal starts a new phase), so figures are per phase.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';

interface PhaseStats {
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: Record<string, { count: number; totalMs: number; maxMs: number }>;
  pausesOver5ms: number;
}

const out = process.env.SAMSA_BENCH_PROBE_OUT;
if (out !== undefined) {
  const phases: PhaseStats[] = [];
  let histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let gc: PhaseStats['gc'] = {};
  let pausesOver5ms = 0;
  const kinds: Record<number, string> = { 1: 'scavenge', 2: 'mark-sweep-compact', 4: 'incremental', 8: 'weak-callbacks', 16: 'minor-mark-sweep' };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[(e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      const g = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      g.count++;
      g.totalMs += e.duration;
      g.maxMs = Math.max(g.maxMs, e.duration);
      if (e.duration > 5) pausesOver5ms++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const close = (): void => {
    histogram.disable();
    phases.push({
      loopDelayMs: { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 },
      gc,
      pausesOver5ms,
    });
  };
  process.on('SIGUSR2', () => {
    close();
    histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    gc = {};
    pausesOver5ms = 0;
  });
  process.on('exit', () => {
    close();
    writeFileSync(out, JSON.stringify(phases));
  });
}
