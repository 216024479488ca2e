/** What a token bucket holds: its tokens, as of `lastMs`. */
export interface BucketState {
  readonly tokens: number;
  readonly lastMs: number;
}

/**
 * One take from a token bucket kept elsewhere (e.g. a database row): the
 * bucket refilled up to `nowMs` (a full bucket when `state` is undefined),
 * then `amount` taken if it is there. Pure; time is an argument.
 */
export function takeTokens(
  state: BucketState | undefined,
  ratePerSecond: number,
  burst: number,
  amount: number,
  nowMs: number,
): { taken: boolean; state: BucketState } {
  let tokens = state?.tokens ?? burst;
  let lastMs = state?.lastMs ?? nowMs;
  if (nowMs > lastMs) {
    tokens = Math.min(burst, tokens + ((nowMs - lastMs) / 1000) * ratePerSecond);
    lastMs = nowMs;
  }
  if (amount > tokens) return { taken: false, state: { tokens, lastMs } };
  return { taken: true, state: { tokens: tokens - amount, lastMs } };
}

/**
 * A token bucket: `ratePerSecond` tokens flow in, at most `burst` are held.
 * Pure and synchronous; time is an argument.
 */
export class TokenBucket {
  private state: BucketState | undefined;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    if (!(ratePerSecond > 0 && burst > 0)) throw new RangeError("a token bucket needs a positive rate and burst");
  }

  /** Takes `amount` tokens if they are there (then true); otherwise takes none (false). */
  take(amount: number, nowMs: number): boolean {
    const { taken, state } = takeTokens(this.state, this.ratePerSecond, this.burst, amount, nowMs);
    this.state = state;
    return taken;
  }
}
