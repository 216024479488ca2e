/**
 * What the server keeps to decide who may capture: hashes of per-camera
 * pairing tokens, and random server secrets (the key that signs viewer
 * tokens). Never the tokens themselves.
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
}
