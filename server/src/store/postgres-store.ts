import type pg from "pg";
import type { Line, Places } from "../count/count-types.ts";
import { checkPlaces } from "../zones/places-check.ts";
import { eventOfRow, placeOfSeries, withDefaultLine, type EventRow } from "./place-rows.ts";
import { allPlaces, placeTotals, placesOf, replacePlaces } from "./postgres-places.ts";
import { DomainError } from "../rpc/errors.ts";
import { PostgresAccessStore } from "./postgres-access-store.ts";
import { PostgresAreaStore } from "./postgres-area-store.ts";
import { migratePostgres, type PostgresMigration } from "./postgres-migrations.ts";
import { createPool, inTransaction, isTransient, one } from "./postgres-pool.ts";
import { SQL } from "./postgres-queries.ts";
import { checkLimit, parseCursor, seriesParams, checkRange } from "./sqlite-queries.ts";
import { type CameraRow, checkEvents, checkId, checkSeq, toCamera as cameraOf, totalsOf } from "./sqlite-rows.ts";
import { appendInTransaction, closeInTransaction, closeLostInTransaction, type UnclosedSession } from "./postgres-append.ts";
import {
  type AppendResult, type DwellQuery, type EventPage, MAX_DWELL_SAMPLES, type EventQuery, type LostSession, type NewEvent, type SeriesPoint, type SeriesQuery, type SessionQuery, type Store,
  type StoredCamera, type StoredSession, StoreOpenError,
} from "./store.ts";

/** Where and how to open the PostgreSQL store. */
export interface PostgresOpenOptions {
  /** postgres://user:password@host:port/database */
  readonly databaseUrl: string;
  /** Most connections of this process; default 10. */
  readonly maxConnections?: number;
  /** The schema steps; only tests pass their own. */
  readonly migrations?: readonly PostgresMigration[];
}

/**
 * Opens the shared store: a pool on the database, migrated to the current
 * schema (safe when several replicas start at once). Throws a StoreOpenError
 * when the database cannot be reached or is not one headcount can use.
 */
export async function openPostgresStore(options: PostgresOpenOptions): Promise<PostgresStore> {
  const pool = createPool(options.databaseUrl, { max: options.maxConnections });
  try {
    await migratePostgres(pool, options.migrations);
  } catch (err) {
    await pool.end();
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError("io", `cannot open the PostgreSQL database ${redact(options.databaseUrl)}: ${(err as Error).message}`, { cause: err });
  }
  return new PostgresStore(pool);
}

/** The URL without its password, for messages. */
export function redact(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * The Store on PostgreSQL, shared by every replica. An append locks its
 * camera's row (FOR UPDATE) for the transaction that writes the events,
 * minute counts and totals, so appends to one camera from several replicas
 * queue there. An append whose connection is lost is retried once on
 * another connection: its (session, seq) key makes that safe.
 */
export class PostgresStore implements Store {
  // Cameras and sessions are never deleted, so their integer keys can be cached.
  private readonly cameraKeys = new Map<string, number>();
  private readonly sessionKeys = new Map<string, { key: number; cameraKey: number }>();
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
    return this.toCamera(found(await one<CameraRow>(this.pool, SQL.rename, [name, cameraId]), cameraId));
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
    this.sessionKeys.set(sessionId, { key: row!.session_key, cameraKey });
  }

  async closeSession(sessionId: string, closedAtMs: number, framesAcked: number, exits: readonly NewEvent[] = []): Promise<AppendResult | null> {
    checkEvents(exits);
    const row = await one<{ session_key: number }>(this.pool, SQL.sessionById, [sessionId]);
    if (!row) return null;
    return inTransaction(this.pool, (client) => closeInTransaction(client, row.session_key, closedAtMs, framesAcked, exits));
  }

  async closeLostSessions(): Promise<LostSession[]> {
    const lost: LostSession[] = [];
    for (const s of (await this.pool.query<UnclosedSession>(SQL.unclosedSessions)).rows) {
      const closed = await inTransaction(this.pool, (client) => closeLostInTransaction(client, s));
      if (closed) lost.push(closed);
    }
    return lost;
  }

  async beat(replicaId: string, nowMs: number): Promise<void> {
    checkId(replicaId, "replica id");
    await this.pool.query(SQL.beat, [replicaId, nowMs]);
  }

  async closeStaleReplicas(selfId: string, staleBeforeMs: number): Promise<LostSession[]> {
    // One transaction holds the stale replicas' rows until their sessions are closed and the rows gone.
    return inTransaction(this.pool, async (client) => {
      const lost: LostSession[] = [];
      for (const { replica_id } of (await client.query<{ replica_id: string }>(SQL.lockStaleReplicas, [staleBeforeMs, selfId])).rows) {
        for (const s of (await client.query<UnclosedSession>(SQL.openSessionsOfReplica, [replica_id])).rows) {
          const closed = await closeLostInTransaction(client, s);
          if (closed) lost.push(closed);
        }
        await client.query(SQL.forgetReplica, [replica_id]);
      }
      return lost;
    });
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
    const key = sessionKey === null ? null : (seq ?? null);
    const append = () => inTransaction(this.pool, (client) => appendInTransaction(client, cameraKey, sessionKey, events, key, sessionId));
    try {
      return await append();
    } catch (err) {
      // Without a key a retry could count the batch twice, if the lost commit went through.
      if (key === null || !isTransient(err)) throw err;
      // The lost attempt may have committed: then the retry finds its key, but for the caller this call stored
      // the batch (nothing was answered before), so it is not reported as a replay: its events are published once.
      const { replayed: _, ...stored } = await append();
      return stored;
    }
  }

  async series(query: SeriesQuery): Promise<SeriesPoint[]> {
    const p = seriesParams(query);
    const cameraKey = query.cameraId === undefined ? null : await this.cameraKey(query.cameraId);
    const place = placeOfSeries(query, cameraKey);
    if (place) {
      const { rows } = await this.pool.query<{ startMs: number; countIn: number; countOut: number }>(SQL.placeSeries, [p.offsetMs, p.bucketMs, p.fromMinute, p.toMinute, cameraKey, place.id]);
      return rows.map((r) => place.point(r.startMs, r.countIn, r.countOut));
    }
    return (await this.pool.query<SeriesPoint>(SQL.series, [p.offsetMs, p.bucketMs, p.fromMinute, p.toMinute, cameraKey, await this.cameraKeysOf(query.cameraIds)])).rows;
  }

  async events(query: EventQuery): Promise<EventPage> {
    checkLimit(query.limit);
    const [curTime, curId] = query.cursor === undefined ? [null, null] : parseCursor(query.cursor);
    const cameraKey = query.cameraId === undefined ? null : await this.cameraKey(query.cameraId);
    const { rows } = await this.pool.query<EventRow>(
      SQL.events,
      [cameraKey, query.fromMs ?? null, query.toMs ?? null, curTime, curId, query.limit + 1, await this.cameraKeysOf(query.cameraIds)],
    );
    const events = rows.slice(0, query.limit).map(eventOfRow);
    const last = events.at(-1);
    return { events, nextCursor: rows.length > query.limit && last ? `${last.timeMs}:${last.id}` : null };
  }

  async dwellSamples(query: DwellQuery): Promise<Array<{ timeMs: number; dwellMs: number }>> {
    checkRange(query.fromMs, query.toMs);
    const cameraKey = await this.cameraKey(query.cameraId);
    const { rows } = await this.pool.query<{ timeMs: string; dwellMs: string }>(SQL.dwell, [cameraKey, query.fromMs, query.toMs, query.zoneId, MAX_DWELL_SAMPLES]);
    return rows.map((r) => ({ timeMs: Number(r.timeMs), dwellMs: Number(r.dwellMs) }));
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
    let key = this.cameraKeys.get(cameraId);
    if (key === undefined) {
      key = found(await one<{ camera_key: number }>(this.pool, SQL.cameraKeyById, [cameraId]), cameraId).camera_key;
      this.cameraKeys.set(cameraId, key);
    }
    return key;
  }

  private async sessionKey(sessionId: string, cameraKey: number, cameraId: string): Promise<number> {
    let s = this.sessionKeys.get(sessionId);
    if (!s) {
      const row = await one<{ session_key: number; camera_key: number }>(this.pool, SQL.sessionById, [sessionId]);
      if (!row) throw new DomainError("NOT_FOUND", `unknown session ${sessionId}`);
      s = { key: row.session_key, cameraKey: row.camera_key };
      this.sessionKeys.set(sessionId, s);
    }
    if (s.cameraKey !== cameraKey) throw new DomainError("INVALID_ARGUMENT", `session ${sessionId} does not belong to camera ${cameraId}`);
    return s.key;
  }
}

function found<R>(row: R | undefined, cameraId: string): R {
  if (!row) throw new DomainError("NOT_FOUND", `unknown camera ${cameraId}`);
  return row;
}
