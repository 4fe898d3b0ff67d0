/** Samsa's version, from package.json (dist/src/common/ → the package root), for every tool's --version. */
import { readFileSync } from 'node:fs';

export function samsaVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** What `--version` prints. */
export function versionLine(): string {
  return `${samsaVersion()} (Samsa)`;
}
