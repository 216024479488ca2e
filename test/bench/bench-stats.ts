/** Small statistics and formatting helpers shared by the benchmarks. */

/** The value at quantile `q` (0..1) of `values` (nearest rank); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The median (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The arithmetic mean; NaN when empty. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** One configuration taking part in an interleaved comparison. */
export interface Contender<T> {
  readonly name: string;
  /** Runs one timed measurement of this configuration. */
  run(round: number): Promise<T>;
}

/**
 * Runs every contender once per round, all rounds in turn, reversing the
 * order every other round (A B C, C B A, ...) so that a slow drift of the
 * shared machine (thermal, a neighbour's job) weighs on all of them alike.
 * Returns the samples per contender, indexed by round.
 */
export async function interleave<T>(rounds: number, contenders: readonly Contender<T>[], onSample?: (name: string, round: number, sample: T) => void): Promise<Map<string, T[]>> {
  const samples = new Map(contenders.map((c) => [c.name, [] as T[]]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      const sample = await contender.run(round);
      samples.get(contender.name)!.push(sample);
      onSample?.(contender.name, round, sample);
    }
  }
  return samples;
}

/** `12.3` style: fixed decimals, "n/a" for NaN. */
export function fixed(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "n/a";
  const text = value.toFixed(digits);
  // -0.01 rounds to "-0.0": show it as the zero it is.
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

/** "median (min-max)" of per-round samples, for the table. */
export function spread(values: readonly number[], digits = 1): string {
  if (values.length === 0) return "n/a";
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return `${fixed(median(values), digits)} (${fixed(lo, digits)}-${fixed(hi, digits)})`;
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
