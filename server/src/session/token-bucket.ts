/**
 * A token bucket: `ratePerSecond` tokens flow in, at most `burst` are held.
 * Pure and synchronous; time is an argument.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number | undefined;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    if (!(ratePerSecond > 0 && burst > 0)) throw new RangeError("a token bucket needs a positive rate and burst");
    this.tokens = burst;
  }

  /** Takes `amount` tokens if they are there (then true); otherwise takes none (false). */
  take(amount: number, nowMs: number): boolean {
    if (this.lastMs !== undefined && nowMs > this.lastMs) {
      this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.lastMs) / 1000) * this.ratePerSecond);
    }
    if (this.lastMs === undefined || nowMs > this.lastMs) this.lastMs = nowMs;
    if (amount > this.tokens) return false;
    this.tokens -= amount;
    return true;
  }
}
