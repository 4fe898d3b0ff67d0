/**
 * The thin launchers in bin/ (`bin/kafka-topics.sh`) and bin/windows/ (`kafka-topics.bat`), so that
 * Kafka's guides can be typed unchanged from the package root. Each one runs `samsa <tool>` with
 * the arguments it was given. scripts/write-launchers.ts writes them; a test checks them.
 */

/** What bin/<tool>.sh holds. */
export function shellLauncher(tool: string): string {
  return `#!/bin/sh
# Samsa's ${tool}, where Kafka's guides type bin/${tool}.sh (written by scripts/write-launchers.ts).
samsa_bin="$(dirname "$0")/../dist/src/bin/samsa.cjs"
[ -f "$samsa_bin" ] || { echo "bin/${tool}.sh: Samsa is not built yet: run npm install && npm run build" >&2; exit 1; }
exec node "$samsa_bin" ${tool} "$@"
`;
}

/** What bin/windows/<tool>.bat holds: one line that starts node with the tool. */
export function batchLauncher(tool: string): string {
  return `@node "%~dp0..\\..\\dist\\src\\bin\\samsa.cjs" ${tool} %*\r\n`;
}

/** The tool a launcher runs, read back from its text (null when it names none). */
export function launcherTool(text: string): string | null {
  const m = /samsa(?:_bin"|\.cjs") ([a-z][a-z0-9-]*) (?:"\$@"|%\*)/.exec(text);
  return m === null ? null : m[1]!;
}
