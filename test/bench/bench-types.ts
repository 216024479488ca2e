/**
 * The contract between `run-bench.ts` and the benchmark modules. Every
 * `test/bench/*.bench.ts` exports `benchmark: Benchmark`; the runner imports
 * each one (importing must have no side effects), runs them one after the
 * other, prints their rows as markdown and writes everything as JSON.
 */

/** What the runner hands a benchmark. */
export interface BenchContext {
  /** `--quick`: about a fifth of the normal time; the whole run ~1 minute. */
  readonly quick: boolean;
  /** `--profile`: benchmarks that start a server may run it with `--cpu-prof` into `profileDir`. */
  readonly profile: boolean;
  /** `--heaptrack`: benchmarks that watch memory may run their server under heaptrack into `artifactDir`. */
  readonly heaptrack: boolean;
  /** Folder for this benchmark's extra artifacts (profiles); created on demand by the benchmark. */
  readonly artifactDir: string;
  /** Prints a progress line (stderr, so stdout stays the table). */
  log(message: string): void;
}

/** One line of a benchmark's table. */
export interface BenchRow {
  /** What was measured, e.g. "detector-only, 2 workers". */
  readonly measure: string;
  /** The figure as shown, with units, e.g. "38.2 frames/s (0.81x of ...)". */
  readonly value: string;
  /** The goal as shown, e.g. ">= 0.9"; empty when there is none. */
  readonly goal?: string;
  /** Whether the goal was met; undefined when there is no goal. */
  readonly met?: boolean;
}

/** What a benchmark returns. */
export interface BenchReport {
  /** Rows for the markdown table, in reading order. */
  readonly rows: readonly BenchRow[];
  /** Short sentences printed under the table: method, setup, caveats. */
  readonly notes: readonly string[];
  /** Every number behind the rows (per-round samples too), for the JSON file. */
  readonly data: Record<string, unknown>;
}

/** A benchmark module's export. */
export interface Benchmark {
  /** Stable id used for filtering (`npm run bench -- pipeline`) and as the JSON key. */
  readonly id: string;
  /** Heading in the markdown output. */
  readonly title: string;
  run(context: BenchContext): Promise<BenchReport>;
}
