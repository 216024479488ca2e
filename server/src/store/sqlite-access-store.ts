import type Database from "better-sqlite3";
import { takeTokens } from "../session/token-bucket.ts";
import type { AccessStore, TokenRate } from "./access-store.ts";

/**
 * AccessStore on the same SQLite file as the rest of the store (tables
 * `pairings` and `secrets`, schema version 2; `throttles`, version 3). `cameraKey` resolves a camera
 * id to its row key and throws NOT_FOUND for an unknown camera.
 */
export class SqliteAccessStore implements AccessStore {
  private readonly sql;
  private readonly takeTransaction;

  constructor(
    db: Database.Database,
    private readonly cameraKey: (cameraId: string) => number,
  ) {
    this.sql = {
      addPairing: db.prepare("INSERT OR IGNORE INTO pairings (token_sha256, camera_key, created_at_ms) VALUES (?, ?, ?)"),
      pairedCamera: db.prepare<[string], { camera_id: string }>(
        "SELECT c.camera_id FROM pairings p JOIN cameras c ON c.camera_key = p.camera_key WHERE p.token_sha256 = ?",
      ),
      revoke: db.prepare("DELETE FROM pairings WHERE camera_key = ?"),
      // INSERT OR IGNORE then SELECT: two processes racing on first use both read the winner's value.
      putSecret: db.prepare("INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)"),
      getSecret: db.prepare<[string], { value: string }>("SELECT value FROM secrets WHERE name = ?"),
      getBucket: db.prepare<[string], { tokens: number; lastMs: number }>("SELECT tokens, updated_at_ms AS lastMs FROM throttles WHERE name = ?"),
      putBucket: db.prepare("INSERT OR REPLACE INTO throttles (name, tokens, updated_at_ms) VALUES (?, ?, ?)"),
    };
    this.takeTransaction = db.transaction((name: string, rate: TokenRate, nowMs: number) => {
      const { taken, state } = takeTokens(this.sql.getBucket.get(name), rate.perSecond, rate.burst, 1, nowMs);
      this.sql.putBucket.run(name, state.tokens, state.lastMs);
      return taken;
    });
  }

  async addPairing(cameraId: string, tokenSha256: string, nowMs: number): Promise<void> {
    this.sql.addPairing.run(tokenSha256, this.cameraKey(cameraId), nowMs);
  }

  async pairedCamera(tokenSha256: string): Promise<string | null> {
    return this.sql.pairedCamera.get(tokenSha256)?.camera_id ?? null;
  }

  async revokePairings(cameraId: string): Promise<number> {
    return this.sql.revoke.run(this.cameraKey(cameraId)).changes;
  }

  async secret(name: string, create: () => string): Promise<string> {
    const found = this.sql.getSecret.get(name);
    if (found) return found.value;
    this.sql.putSecret.run(name, create());
    return this.sql.getSecret.get(name)!.value;
  }

  async takeToken(name: string, rate: TokenRate, nowMs: number): Promise<boolean> {
    return this.takeTransaction.immediate(name, rate, nowMs);
  }
}
