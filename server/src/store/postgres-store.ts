import type pg from "pg";
import type { Line, Places } from "../count/count-types.ts";
import { checkPlaces } from "../zones/places-check.ts";
import { withDefaultLine } from "./place-rows.ts";
import { allPlaces, placeTotals, placesOf, replacePlaces } from "./postgres-places.ts";
import { DomainError } from "../rpc/errors.ts";
import { PostgresAccessStore } from "./postgres-access-store.ts";
import { PostgresAreaStore } from "./postgres-area-store.ts";
import { openPostgresPool, type PostgresOpenOptions } from "./postgres-open.ts";
import { inTransaction, one } from "./postgres-pool.ts";
import { queryDwell, queryEvents, querySeries } from "./postgres-reads.ts";
import { SQL } from "./postgres-queries.ts";
import { checkLimit, parseCursor, seriesParams, checkRange } from "./sqlite-queries.ts";
import { type CameraRow, checkEvents, checkId, checkSeq, toCamera as cameraOf, totalsOf } from "./sqlite-rows.ts";
import { foundCamera, sessionKeyOf, StoreKeys } from "./store-keys.ts";
import { appendWithRetry, closeInTransaction, closeLostSessions, closeStaleReplicas } from "./postgres-append.ts";
import {
  type AppendResult, type DwellQuery, type EventPage, type EventQuery, type LostSession, type NewEvent, type SeriesPoint, type SeriesQuery, type SessionQuery, type Store,
  type StoredCamera, type StoredSession,
} from "./store.ts";

/**
 * Opens the shared store: a pool on the database, migrated to the current
 * schema (safe when several replicas start at once). Throws a StoreOpenError
 * when the database cannot be reached or is not one headcount can use.
 */
export async function openPostgresStore(options: PostgresOpenOptions): Promise<PostgresStore> {
  return new PostgresStore(await openPostgresPool(options));
}

/**
 * The Store on PostgreSQL, shared by every replica. An append locks its
 * camera's row (FOR UPDATE) for the transaction that writes the events,
 * minute counts and totals, so appends to one camera from several replicas
 * queue there. An append whose connection is lost is retried once on
 * another connection: its (session, seq) key makes that safe.
 */
export class PostgresStore implements Store {
  private readonly keys = new StoreKeys();
  readonly access: PostgresAccessStore;
  readonly areas: PostgresAreaStore;

  constructor(readonly pool: pg.Pool) {
    this.access = new PostgresAccessStore(pool, (cameraId) => this.cameraKey(cameraId));
    this.areas = new PostgresAreaStore(pool, (cameraId) => this.cameraKey(cameraId));
  }

  async upsertCamera(cameraId: string, name: string, nowMs: number): Promise<StoredCamera> {
    checkId(cameraId, "camera id");
    const row = await inTransaction(this.pool, async (client) => {
      await client.query(SQL.insertCamera, [cameraId, name || cameraId, nowMs]);
      return name ? one<CameraRow>(client, SQL.rename, [name, cameraId]) : one<CameraRow>(client, SQL.cameraById, [cameraId]);
    });
    return this.toCamera(row!);
  }

  async ensureCamera(cameraId: string, nameIfNew: string, nowMs: number): Promise<StoredCamera> {
    checkId(cameraId, "camera id");
    await this.pool.query(SQL.insertCamera, [cameraId, nameIfNew || cameraId, nowMs]);
    return this.toCamera((await one<CameraRow>(this.pool, SQL.cameraById, [cameraId]))!);
  }

  async renameCamera(cameraId: string, name: string): Promise<StoredCamera> {
    if (!name.trim()) throw new DomainError("INVALID_ARGUMENT", "a camera name must not be empty");
    return this.toCamera(foundCamera(await one<CameraRow>(this.pool, SQL.rename, [name, cameraId]), cameraId));
  }

  async setLine(cameraId: string, line: Line | null): Promise<StoredCamera> {
    return this.replacePlaces(cameraId, (camera) => checkPlaces(withDefaultLine(camera, line)));
  }

  async setPlaces(cameraId: string, places: Places): Promise<StoredCamera> {
    checkPlaces(places);
    return this.replacePlaces(cameraId, () => places);
  }

  async getCamera(cameraId: string): Promise<StoredCamera | null> {
    const row = await one<CameraRow>(this.pool, SQL.cameraById, [cameraId]);
    return row ? this.toCamera(row) : null;
  }

  async listCameras(): Promise<StoredCamera[]> {
    const places = await allPlaces(this.pool);
    return (await this.pool.query<CameraRow>(SQL.allCameras)).rows.map((row) => cameraOf(row, places.get(row.camera_key) ?? []));
  }

  async openSession(sessionId: string, cameraId: string, openedAtMs: number, replicaId?: string): Promise<void> {
    checkId(sessionId, "session id");
    const cameraKey = await this.cameraKey(cameraId);
    let row: { session_key: number } | undefined;
    try {
      row = await inTransaction(this.pool, async (client) => {
        const opened = await one<{ session_key: number }>(client, SQL.openSession, [sessionId, cameraKey, openedAtMs, replicaId ?? null]);
        await client.query(SQL.holdCamera, [sessionId, cameraKey]);
        return opened;
      });
    } catch (err) {
      if ((err as { code?: unknown }).code === "23505") throw new DomainError("ALREADY_EXISTS", `session ${sessionId} is already recorded`);
      throw err;
    }
    this.keys.rememberSession(sessionId, { session_key: row!.session_key, camera_key: cameraKey });
  }

  async closeSession(sessionId: string, closedAtMs: number, framesAcked: number, exits: readonly NewEvent[] = []): Promise<AppendResult | null> {
    checkEvents(exits);
    const row = await one<{ session_key: number }>(this.pool, SQL.sessionById, [sessionId]);
    if (!row) return null;
    return inTransaction(this.pool, (client) => closeInTransaction(client, row.session_key, closedAtMs, framesAcked, exits));
  }

  async closeLostSessions(): Promise<LostSession[]> {
    return closeLostSessions(this.pool);
  }

  async beat(replicaId: string, nowMs: number): Promise<void> {
    checkId(replicaId, "replica id");
    await this.pool.query(SQL.beat, [replicaId, nowMs]);
  }

  async closeStaleReplicas(selfId: string, staleBeforeMs: number): Promise<LostSession[]> {
    return closeStaleReplicas(this.pool, selfId, staleBeforeMs);
  }

  async listSessions(query: SessionQuery): Promise<StoredSession[]> {
    checkRange(query.fromMs, query.toMs);
    const cameraKey = query.cameraId === undefined ? null : await this.cameraKey(query.cameraId);
    return (await this.pool.query<StoredSession>(SQL.sessionsInRange, [query.toMs, query.fromMs, cameraKey])).rows;
  }

  async appendEvents(cameraId: string, sessionId: string | null, events: readonly NewEvent[], seq?: number): Promise<AppendResult> {
    const cameraKey = await this.cameraKey(cameraId);
    const sessionKey = sessionId === null ? null : await this.sessionKey(sessionId, cameraKey, cameraId);
    checkEvents(events);
    checkSeq(seq);
    if (events.length === 0) {
      const row = (await one<CameraRow>(this.pool, SQL.cameraByKey, [cameraKey]))!;
      return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: await placeTotals(this.pool, cameraKey), eventIds: [] };
    }
    return appendWithRetry(this.pool, cameraKey, sessionKey, events, sessionKey === null ? null : (seq ?? null), sessionId);
  }

  async series(query: SeriesQuery): Promise<SeriesPoint[]> {
    const p = seriesParams(query);
    const cameraKey = query.cameraId === undefined ? null : await this.cameraKey(query.cameraId);
    return querySeries(this.pool, p, query, cameraKey, () => this.cameraKeysOf(query.cameraIds));
  }

  async events(query: EventQuery): Promise<EventPage> {
    checkLimit(query.limit);
    const cursor = query.cursor === undefined ? null : parseCursor(query.cursor);
    const cameraKey = query.cameraId === undefined ? null : await this.cameraKey(query.cameraId);
    return queryEvents(this.pool, query, cursor, cameraKey, await this.cameraKeysOf(query.cameraIds));
  }

  async dwellSamples(query: DwellQuery): Promise<Array<{ timeMs: number; dwellMs: number }>> {
    checkRange(query.fromMs, query.toMs);
    return queryDwell(this.pool, await this.cameraKey(query.cameraId), query);
  }

  async close(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }

  /** The keys of a set of cameras (an unknown one is NOT_FOUND), or null for no set. */
  private async cameraKeysOf(cameraIds: readonly string[] | undefined): Promise<number[] | null> {
    if (cameraIds === undefined) return null;
    const keys: number[] = [];
    for (const id of cameraIds) keys.push(await this.cameraKey(id));
    return keys;
  }

  /** Replaces a camera's places (computed from its current state) with its row locked; returns the camera. */
  private async replacePlaces(cameraId: string, next: (camera: StoredCamera) => Places): Promise<StoredCamera> {
    const cameraKey = await this.cameraKey(cameraId);
    return inTransaction(this.pool, async (client) => {
      const row = (await one<CameraRow>(client, SQL.lockCamera, [cameraKey]))!;
      await replacePlaces(client, cameraKey, next(cameraOf(row, await placesOf(client, cameraKey))));
      return cameraOf(row, await placesOf(client, cameraKey));
    });
  }

  private async toCamera(row: CameraRow): Promise<StoredCamera> {
    return cameraOf(row, await placesOf(this.pool, row.camera_key));
  }

  private async cameraKey(cameraId: string): Promise<number> {
    return this.keys.cachedCamera(cameraId) ?? this.keys.rememberCamera(cameraId, await one<{ camera_key: number }>(this.pool, SQL.cameraKeyById, [cameraId]));
  }

  private async sessionKey(sessionId: string, cameraKey: number, cameraId: string): Promise<number> {
    const session =
      this.keys.cachedSession(sessionId) ??
      this.keys.rememberSession(sessionId, await one<{ session_key: number; camera_key: number }>(this.pool, SQL.sessionById, [sessionId]));
    return sessionKeyOf(session, sessionId, cameraKey, cameraId);
  }
}
