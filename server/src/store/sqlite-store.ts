import type Database from "better-sqlite3";
import type { Line, Places } from "../count/count-types.ts";
import { checkPlaces } from "../zones/places-check.ts";
import { lostStayLeaves, withDefaultLine } from "./place-rows.ts";
import { SqlitePlaces } from "./sqlite-places.ts";
import { DomainError } from "../rpc/errors.ts";
import { SqliteAccessStore } from "./sqlite-access-store.ts";
import { SqliteAreaStore } from "./sqlite-area-store.ts";
import { queryDwell, queryEvents, queryOpenStays, queryOpenTracks, querySeries, querySessions } from "./sqlite-queries.ts";
import { prepareStatements, type UnclosedRow } from "./sqlite-statements.ts";
import { openDatabase, type SqliteOpenOptions } from "./sqlite-open.ts";
import { batchEffect, type CameraRow, checkEvents, checkLiveSession, checkId, checkSeq, KIND_CODE, reasonCode, toCamera as cameraOf, totalsOf } from "./sqlite-rows.ts";
import type {
  AppendResult, DwellQuery, EventPage, EventQuery, LostSession, NewEvent, SeriesPoint, SeriesQuery, SessionQuery, Store, StoredCamera, StoredSession,
} from "./store.ts";

/**
 * Opens the embedded store: one SQLite file under `options.dataDir`, WAL mode,
 * migrated to the current schema. Throws a StoreOpenError for a file it cannot use.
 */
export function openSqliteStore(options: SqliteOpenOptions): SqliteStore {
  return new SqliteStore(openDatabase(options));
}

/**
 * The Store on better-sqlite3. Each call does all its work before its promise
 * settles, so one connection never interleaves two transactions;
 * several connections (processes) on one file serialize on SQLite's write
 * lock, taken at the start of every write transaction (BEGIN IMMEDIATE).
 */
export class SqliteStore implements Store {
  // Cameras and sessions are never deleted, so their integer keys can be cached.
  private readonly cameraKeys = new Map<string, number>();
  private readonly sessionKeys = new Map<string, { key: number; cameraKey: number }>();
  private readonly sql;
  private readonly appendTransaction;
  readonly access: SqliteAccessStore;
  readonly areas: SqliteAreaStore;
  private readonly places: SqlitePlaces;

  constructor(private readonly db: Database.Database) {
    this.places = new SqlitePlaces(db);
    this.sql = prepareStatements(db);
    this.appendTransaction = db.transaction((cameraKey: number, sessionKey: number | null, events: readonly NewEvent[], seq: number | null, live: string | null) =>
      this.appendInTransaction(cameraKey, sessionKey, events, seq, live),
    );
    this.access = new SqliteAccessStore(db, (cameraId) => this.cameraKey(cameraId));
    this.areas = new SqliteAreaStore(db, (cameraId) => this.cameraKey(cameraId));
  }

  async upsertCamera(cameraId: string, name: string, nowMs: number): Promise<StoredCamera> {
    checkId(cameraId, "camera id");
    const row = this.db.transaction(() => {
      this.sql.insertCamera.run(cameraId, name || cameraId, nowMs);
      return name ? this.sql.rename.get(name, cameraId) : this.sql.cameraById.get(cameraId);
    }).immediate();
    return this.toCamera(row!);
  }

  async ensureCamera(cameraId: string, nameIfNew: string, nowMs: number): Promise<StoredCamera> {
    checkId(cameraId, "camera id");
    const row = this.db.transaction(() => {
      this.sql.insertCamera.run(cameraId, nameIfNew || cameraId, nowMs);
      return this.sql.cameraById.get(cameraId);
    }).immediate();
    return this.toCamera(row!);
  }

  async renameCamera(cameraId: string, name: string): Promise<StoredCamera> {
    if (!name.trim()) throw new DomainError("INVALID_ARGUMENT", "a camera name must not be empty");
    return this.toCamera(this.found(this.sql.rename.get(name, cameraId), cameraId));
  }

  async setLine(cameraId: string, line: Line | null): Promise<StoredCamera> {
    return this.db.transaction(() => {
      const camera = this.toCamera(this.found(this.sql.cameraById.get(cameraId), cameraId));
      return this.replacePlaces(cameraId, checkPlaces(withDefaultLine(camera, line)));
    }).immediate();
  }

  async setPlaces(cameraId: string, places: Places): Promise<StoredCamera> {
    checkPlaces(places);
    return this.db.transaction(() => this.replacePlaces(cameraId, places)).immediate();
  }

  async getCamera(cameraId: string): Promise<StoredCamera | null> {
    const row = this.sql.cameraById.get(cameraId);
    return row ? this.toCamera(row) : null;
  }

  async listCameras(): Promise<StoredCamera[]> {
    const places = this.places.all();
    return this.sql.allCameras.all().map((row) => cameraOf(row, places.get(row.camera_key) ?? []));
  }

  async openSession(sessionId: string, cameraId: string, openedAtMs: number, replicaId?: string): Promise<void> {
    checkId(sessionId, "session id");
    const cameraKey = this.cameraKey(cameraId);
    let key: number;
    try {
      key = this.db.transaction(() => {
        const opened = Number(this.sql.openSession.run(sessionId, cameraKey, openedAtMs, replicaId ?? null).lastInsertRowid);
        this.sql.holdCamera.run(sessionId, cameraKey);
        return opened;
      }).immediate();
    } catch (err) {
      if ((err as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE") {
        throw new DomainError("ALREADY_EXISTS", `session ${sessionId} is already recorded`);
      }
      throw err;
    }
    this.sessionKeys.set(sessionId, { key, cameraKey });
  }

  async closeSession(sessionId: string, closedAtMs: number, framesAcked: number, exits: readonly NewEvent[] = []): Promise<AppendResult | null> {
    checkEvents(exits);
    const row = this.sql.sessionById.get(sessionId);
    if (!row) return null;
    return this.db.transaction(() => this.closeInTransaction(row.session_key, closedAtMs, framesAcked, exits)).immediate();
  }

  async closeLostSessions(): Promise<LostSession[]> {
    return this.sql.unclosedSessions.all().flatMap((s) => this.db.transaction(() => this.closeLost(s) ?? []).immediate());
  }

  async beat(replicaId: string, nowMs: number): Promise<void> {
    checkId(replicaId, "replica id");
    this.sql.beat.run(replicaId, nowMs);
  }

  async closeStaleReplicas(selfId: string, staleBeforeMs: number): Promise<LostSession[]> {
    // IMMEDIATE: one writer at a time on the file, so two processes cannot both close a replica.
    return this.db.transaction(() =>
      this.sql.staleReplicas.all(staleBeforeMs, selfId).flatMap(({ replica_id }) => {
        const lost = this.sql.openSessionsOfReplica.all(replica_id).flatMap((s) => this.closeLost(s) ?? []);
        this.sql.forgetReplica.run(replica_id);
        return lost;
      }),
    ).immediate();
  }

  async listSessions(query: SessionQuery): Promise<StoredSession[]> {
    return querySessions(this.db, query.cameraId === undefined ? null : this.cameraKey(query.cameraId), query);
  }

  async appendEvents(cameraId: string, sessionId: string | null, events: readonly NewEvent[], seq?: number): Promise<AppendResult> {
    const cameraKey = this.cameraKey(cameraId);
    const sessionKey = sessionId === null ? null : this.sessionKey(sessionId, cameraKey, cameraId);
    checkEvents(events);
    checkSeq(seq);
    if (events.length === 0) {
      const row = this.sql.cameraByKey.get(cameraKey)!;
      return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: this.places.totals(cameraKey), eventIds: [] };
    }
    return this.appendTransaction.immediate(cameraKey, sessionKey, events, sessionKey === null ? null : (seq ?? null), sessionId);
  }

  async series(query: SeriesQuery): Promise<SeriesPoint[]> {
    return querySeries(this.db, query.cameraId === undefined ? null : this.cameraKey(query.cameraId), query, this.cameraKeysOf(query.cameraIds));
  }

  async events(query: EventQuery): Promise<EventPage> {
    return queryEvents(this.db, query.cameraId === undefined ? null : this.cameraKey(query.cameraId), query, this.cameraKeysOf(query.cameraIds));
  }

  async dwellSamples(query: DwellQuery): Promise<Array<{ timeMs: number; dwellMs: number }>> {
    return queryDwell(this.db, this.cameraKey(query.cameraId), query);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** Closes a session a killed server left open (see Store.closeLostSessions), inside the caller's transaction. */
  private closeLost(s: UnclosedRow): LostSession | null {
    // Read inside the transaction, so what is closed is what was stored.
    const open = queryOpenTracks(this.db, s.camera_key, s.session_key);
    const closedAtMs = Math.max(s.opened_at_ms, open.lastEventAtMs ?? s.opened_at_ms);
    const exits = open.trackIds.map((trackId): NewEvent => ({ kind: "exit", trackId, timeMs: closedAtMs, reason: "session_lost" }));
    const leaves = lostStayLeaves(queryOpenStays(this.db, s.camera_key, s.session_key), closedAtMs);
    if (!this.closeInTransaction(s.session_key, closedAtMs, null, [...leaves, ...exits])) return null;
    this.sql.releaseCamera.run(s.camera_key, s.session_id);
    return { sessionId: s.session_id, cameraId: s.camera_id, closedAtMs, exits: exits.length };
  }

  /** Closes an open session and appends its exits; null when it was closed already. */
  private closeInTransaction(sessionKey: number, closedAtMs: number, framesAcked: number | null, exits: readonly NewEvent[]): AppendResult | null {
    const closed = this.sql.closeSession.get(closedAtMs, framesAcked, sessionKey);
    if (!closed) return null;
    if (exits.length > 0) return this.appendInTransaction(closed.camera_key, sessionKey, exits, null);
    const row = this.sql.cameraByKey.get(closed.camera_key)!;
    return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: this.places.totals(closed.camera_key), eventIds: [] };
  }

  private appendInTransaction(cameraKey: number, sessionKey: number | null, events: readonly NewEvent[], seq: number | null, liveSessionId: string | null = null): AppendResult {
    // Read inside the write transaction: another connection may have appended since.
    const row = this.sql.cameraByKey.get(cameraKey)!;
    if (seq !== null && this.sql.claimBatch.run(sessionKey, seq).changes === 0) {
      const eventIds = this.sql.batchEventIds.all(sessionKey!, seq).map((r) => r.id);
      return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: this.places.totals(cameraKey), eventIds, replayed: true };
    }
    // A throw rolls the claim back with the rest.
    if (liveSessionId !== null) checkLiveSession(row, liveSessionId);
    const eventIds = events.map((e) =>
      Number(this.sql.insertEvent.run(cameraKey, sessionKey, KIND_CODE[e.kind], e.trackId, e.timeMs, seq, reasonCode(e.reason), e.lineId ?? e.zoneId ?? null, e.dwellMs ?? null).lastInsertRowid),
    );
    const { totals: t, resetAtMs, minutes } = batchEffect(row, events);
    this.sql.setTotals.run(...t, resetAtMs, cameraKey);
    for (const [minute, m] of minutes) this.sql.addMinute.run(cameraKey, minute, ...m);
    const places = this.places.apply(cameraKey, events);
    return { totals: { entered: t[0], exited: t[1], crossedIn: t[2], crossedOut: t[3] }, resetAtMs, places, eventIds };
  }

  /** Replaces a camera's places inside the caller's transaction and returns the camera. */
  private replacePlaces(cameraId: string, places: Places): StoredCamera {
    const key = this.cameraKey(cameraId);
    this.places.replace(key, places);
    return this.toCamera(this.sql.cameraByKey.get(key)!);
  }

  private toCamera(row: CameraRow): StoredCamera {
    return cameraOf(row, this.places.of(row.camera_key));
  }

  private found(row: CameraRow | undefined, cameraId: string): CameraRow {
    if (!row) throw new DomainError("NOT_FOUND", `unknown camera ${cameraId}`);
    return row;
  }

  /** The keys of a set of cameras (an unknown one is NOT_FOUND), or null for no set. */
  private cameraKeysOf(cameraIds: readonly string[] | undefined): number[] | null {
    return cameraIds === undefined ? null : cameraIds.map((id) => this.cameraKey(id));
  }

  private cameraKey(cameraId: string): number {
    let key = this.cameraKeys.get(cameraId);
    if (key === undefined) {
      key = this.found(this.sql.cameraById.get(cameraId), cameraId).camera_key;
      this.cameraKeys.set(cameraId, key);
    }
    return key;
  }

  private sessionKey(sessionId: string, cameraKey: number, cameraId: string): number {
    let s = this.sessionKeys.get(sessionId);
    if (!s) {
      const row = this.sql.sessionById.get(sessionId);
      if (!row) throw new DomainError("NOT_FOUND", `unknown session ${sessionId}`);
      s = { key: row.session_key, cameraKey: row.camera_key };
      this.sessionKeys.set(sessionId, s);
    }
    if (s.cameraKey !== cameraKey) throw new DomainError("INVALID_ARGUMENT", `session ${sessionId} does not belong to camera ${cameraId}`);
    return s.key;
  }
}
