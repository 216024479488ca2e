import type pg from "pg";
import { takeTokens } from "../session/token-bucket.ts";
import type { AccessStore, TokenRate } from "./access-store.ts";
import { inTransaction } from "./postgres-pool.ts";
import { SQL } from "./postgres-queries.ts";

/**
 * AccessStore on the shared PostgreSQL database (tables `pairings`,
 * `secrets` and `throttles`), so every replica accepts the same pairing
 * tokens, signs viewer tokens with the same key and throttles sign-ins
 * together. `cameraKey` throws NOT_FOUND for an unknown camera.
 */
export class PostgresAccessStore implements AccessStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly cameraKey: (cameraId: string) => Promise<number>,
  ) {}

  async addPairing(cameraId: string, tokenSha256: string, nowMs: number): Promise<void> {
    await this.pool.query(SQL.addPairing, [tokenSha256, await this.cameraKey(cameraId), nowMs]);
  }

  async pairedCamera(tokenSha256: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ camera_id: string }>(SQL.pairedCamera, [tokenSha256]);
    return rows[0]?.camera_id ?? null;
  }

  async revokePairings(cameraId: string): Promise<number> {
    return (await this.pool.query(SQL.revokePairings, [await this.cameraKey(cameraId)])).rowCount ?? 0;
  }

  async secret(name: string, create: () => string): Promise<string> {
    const found = await this.pool.query<{ value: string }>(SQL.getSecret, [name]);
    if (found.rows[0]) return found.rows[0].value;
    await this.pool.query(SQL.putSecret, [name, create()]);
    return (await this.pool.query<{ value: string }>(SQL.getSecret, [name])).rows[0]!.value;
  }

  async takeToken(name: string, rate: TokenRate, nowMs: number): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      await client.query(SQL.ensureBucket, [name, rate.burst, nowMs]);
      const { rows } = await client.query<{ tokens: number; lastMs: number }>(SQL.lockBucket, [name]);
      const { taken, state } = takeTokens(rows[0], rate.perSecond, rate.burst, 1, nowMs);
      await client.query(SQL.putBucket, [name, state.tokens, state.lastMs]);
      return taken;
    });
  }
}
