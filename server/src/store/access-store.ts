/**
 * What the server keeps to decide who may capture: hashes of per-camera
 * pairing tokens, and random server secrets (the key that signs viewer
 * tokens), and the sign-in throttle. Never the tokens themselves.
 */
export interface AccessStore {
  /** Records a pairing token's SHA-256 (hex) for a known camera. */
  addPairing(cameraId: string, tokenSha256: string, nowMs: number): Promise<void>;
  /** The camera a pairing token's SHA-256 belongs to, or null when unknown or revoked. */
  pairedCamera(tokenSha256: string): Promise<string | null>;
  /** Forgets every pairing token of a camera; resolves to how many there were. */
  revokePairings(cameraId: string): Promise<number>;
  /**
   * A named random secret, made with `create()` on first use and kept from
   * then on (so tokens signed with it survive restarts). Concurrent first
   * uses by several processes agree on one value.
   */
  secret(name: string, create: () => string): Promise<string>;
  /**
   * Takes one token from the named token bucket (`perSecond` flow in, at most
   * `burst` held), shared by every process on the database: true when there
   * was one. Time is an argument.
   */
  takeToken(name: string, rate: TokenRate, nowMs: number): Promise<boolean>;
}

/** The refill rate and size of a shared token bucket. */
export interface TokenRate {
  readonly perSecond: number;
  readonly burst: number;
}
