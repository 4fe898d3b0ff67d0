/**
 * Java's text for floating point numbers (Double.toString, Float.toString), used wherever Kafka
 * prints a Java Double or Float: JsonConverter output, Values.convertToString, Cast to string.
 */

/** Java's Double.toString (shortest digits, at least two; plain for 1e-3 <= |d| < 1e7, else d.dddE±n). */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  let text = d.toExponential();
  // Java (JDK 19+ spec) never picks a 1-digit result: it takes the 2-digit decimal closest to
  // the value, so Double.MIN_VALUE prints 4.9E-324, not 5.0E-324.
  if (!text.includes('.')) text = d.toExponential(1);
  return javaLayout(text, Math.abs(d));
}

/** Java's Float.toString for a value already rounded to float32 (shortest digits that round-trip). */
export function javaFloatToString(value: number): string {
  const f = Math.fround(value);
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? 'Infinity' : '-Infinity';
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  let text = f.toExponential(8);
  for (let p = 0; p <= 8; p++) {
    const candidate = f.toExponential(p);
    if (Math.fround(Number(candidate)) === f) {
      text = p === 0 ? f.toExponential(1) : candidate; // at least 2 digits, as for doubles
      break;
    }
  }
  return javaLayout(text, Math.abs(f));
}

function javaLayout(exponential: string, abs: number): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exponential);
  if (m === null) throw new Error(`unexpected number text ${exponential}`);
  const sign = m[1]!;
  const first = m[2]!;
  const rest = (m[3] ?? '').replace(/0+$/, '');
  const exp = Number(m[4]);
  const digits = first + rest;
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      return `${sign}${intPart}.${digits.slice(exp + 1) || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return `${sign}${first}.${rest || '0'}E${exp}`;
}
