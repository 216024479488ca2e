/**
 * Exponential reconnect backoff with jitter, shared by the capture page
 * (WatchAcks, OpenSession) and the count page (WatchCounts).
 *
 * Pure: the random source is injected so tests can script it.
 */

/** Options of {@link ReconnectBackoff}. */
export interface BackoffOptions {
  /** First delay, ms (default 500). */
  readonly minMs?: number;
  /** Ceiling, ms (default 10 000). */
  readonly maxMs?: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Jitter as a fraction of the delay, 0..1 (default 0.2: ±20 %). */
  readonly jitter?: number;
  /** Uniform random source in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

/** Delays 0.5 s, 1 s, 2 s … capped at 10 s, each ±20 %, clamped to [min, max]. */
export class ReconnectBackoff {
  readonly #minMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  /** Creates a backoff at attempt 0. */
  constructor(options: BackoffOptions = {}) {
    this.#minMs = options.minMs ?? 500;
    this.#maxMs = options.maxMs ?? 10_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 0.2;
    this.#random = options.random ?? Math.random;
    if (!(this.#minMs > 0 && this.#maxMs >= this.#minMs && this.#factor >= 1)) {
      throw new RangeError("backoff needs 0 < minMs <= maxMs and factor >= 1");
    }
  }

  /** Failures since the last {@link reset}. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next try, ms; each call counts one more failure. */
  next(): number {
    const base = Math.min(this.#maxMs, this.#minMs * this.#factor ** this.#attempt);
    this.#attempt += 1;
    // Jitter spreads reconnects of many devices after a server restart.
    const jittered = base * (1 - this.#jitter + 2 * this.#jitter * this.#random());
    return Math.round(Math.min(this.#maxMs, Math.max(this.#minMs, jittered)));
  }

  /** Call after a success: the next failure starts from the minimum again. */
  reset(): void {
    this.#attempt = 0;
  }
}

/**
 * Resolves after `ms`, or early (without rejecting) when the signal aborts,
 * so a stopped loop does not linger.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
