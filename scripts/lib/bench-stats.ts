/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function ms(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return `${n.toFixed(n < 10 ? 2 : 1)} ms`;
}

export function bytes(n: number): string {
  return n.toLocaleString('en-US');
}

export function ratio(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : '—';
}

export function verdict(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
