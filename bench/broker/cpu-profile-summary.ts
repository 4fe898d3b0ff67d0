/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time
 * and the most inclusive time, as `file:function`, with dist/*.js paths shown as their src .ts
 * (file and function names are kept by tsc; line numbers are of the .js file).
 *
 *   node dist/bench/broker/cpu-profile-summary.js FILE.cpuprofile [top=25]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  let u = url.replace(/^file:\/\//, '');
  const dist = u.indexOf('/dist/');
  if (dist >= 0) u = u.slice(dist + '/dist/'.length).replace(/\.js$/, '.ts');
  const nm = u.indexOf('/node_modules/');
  if (nm >= 0) u = u.slice(nm + 1);
  return u;
}

function key(f: CallFrame): string {
  const fn = f.functionName === '' ? '(anonymous)' : f.functionName;
  if (f.url === '') return fn;
  return `${shortUrl(f.url)}:${fn}:${f.lineNumber + 1}`;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  self: [string, number][];
  inclusive: [string, number][];
  byFile: [string, number][];
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(p.samples[i]!)!;
    total += dt;
    const k = key(node.callFrame);
    if (node.callFrame.functionName === '(idle)') idle += dt;
    self.set(k, (self.get(k) ?? 0) + dt);
    if (node.callFrame.functionName !== '(idle)') {
      const f = shortUrl(node.callFrame.url);
      byFile.set(f, (byFile.get(f) ?? 0) + dt);
    }
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const kk = key(byId.get(id)!.callFrame);
      if (seen.has(kk)) continue;
      seen.add(kk);
      inclusive.set(kk, (inclusive.get(kk) ?? 0) + dt);
    }
  }
  const sorted = (m: Map<string, number>): [string, number][] => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs: total, idleMs: idle, self: sorted(self), inclusive: sorted(inclusive).filter(([k]) => k !== '(root)'), byFile: sorted(byFile) };
}

export function formatSummary(s: ProfileSummary): string {
  const busy = s.totalMs - s.idleMs;
  const pct = (ms: number): string => `${((100 * ms) / busy).toFixed(1).padStart(5)}%`;
  const lines = [`profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s not idle (percentages are of the non-idle time)`];
  lines.push('', 'self time by function:');
  for (const [k, ms] of s.self) if (k !== '(idle)') lines.push(`  ${pct(ms)}  ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`);
  lines.push('', 'inclusive time by function:');
  for (const [k, ms] of s.inclusive) if (k !== '(idle)') lines.push(`  ${pct(ms)}  ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`);
  lines.push('', 'self time by file:');
  for (const [k, ms] of s.byFile) lines.push(`  ${pct(ms)}  ${(ms / 1000).toFixed(2).padStart(7)} s  ${k}`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: cpu-profile-summary FILE.cpuprofile [top]');
    process.exit(2);
  }
  console.log(formatSummary(summarizeProfile(file, Number(process.argv[3] ?? 25))));
}
