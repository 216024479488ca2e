import type Database from "better-sqlite3";
import type { Line, Places } from "../count/count-types.ts";
import { checkPlaces } from "../zones/places-check.ts";
import { withDefaultLine } from "./place-rows.ts";
import { SqlitePlaces } from "./sqlite-places.ts";
import { DomainError } from "../rpc/errors.ts";
import { SqliteAccessStore } from "./sqlite-access-store.ts";
import { SqliteAreaStore } from "./sqlite-area-store.ts";
import { SqliteAppender } from "./sqlite-append.ts";
import { queryDwell, queryEvents, querySeries, querySessions } from "./sqlite-queries.ts";
import { prepareStatements } from "./sqlite-statements.ts";
import { openDatabase, type SqliteOpenOptions } from "./sqlite-open.ts";
import { type CameraRow, checkEvents, checkId, checkSeq, toCamera as cameraOf, totalsOf } from "./sqlite-rows.ts";
import { foundCamera, sessionKeyOf, StoreKeys } from "./store-keys.ts";
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
  private readonly keys = new StoreKeys();
  private readonly sql;
  private readonly appender: SqliteAppender;
  private readonly appendTransaction;
  readonly access: SqliteAccessStore;
  readonly areas: SqliteAreaStore;
  private readonly places: SqlitePlaces;

  constructor(private readonly db: Database.Database) {
    this.places = new SqlitePlaces(db);
    this.sql = prepareStatements(db);
    this.appender = new SqliteAppender(db, this.sql, this.places);
    this.appendTransaction = db.transaction((cameraKey: number, sessionKey: number | null, events: readonly NewEvent[], seq: number | null, live: string | null) =>
      this.appender.appendInTransaction(cameraKey, sessionKey, events, seq, live),
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
    return this.toCamera(foundCamera(this.sql.rename.get(name, cameraId), cameraId));
  }

  async setLine(cameraId: string, line: Line | null): Promise<StoredCamera> {
    return this.db.transaction(() => {
      const camera = this.toCamera(foundCamera(this.sql.cameraById.get(cameraId), cameraId));
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
    this.keys.rememberSession(sessionId, { session_key: key, camera_key: cameraKey });
  }

  async closeSession(sessionId: string, closedAtMs: number, framesAcked: number, exits: readonly NewEvent[] = []): Promise<AppendResult | null> {
    checkEvents(exits);
    const row = this.sql.sessionById.get(sessionId);
    if (!row) return null;
    return this.db.transaction(() => this.appender.closeInTransaction(row.session_key, closedAtMs, framesAcked, exits)).immediate();
  }

  async closeLostSessions(): Promise<LostSession[]> {
    return this.sql.unclosedSessions.all().flatMap((s) => this.db.transaction(() => this.appender.closeLost(s) ?? []).immediate());
  }

  async beat(replicaId: string, nowMs: number): Promise<void> {
    checkId(replicaId, "replica id");
    this.sql.beat.run(replicaId, nowMs);
  }

  async closeStaleReplicas(selfId: string, staleBeforeMs: number): Promise<LostSession[]> {
    // IMMEDIATE: one writer at a time on the file, so two processes cannot both close a replica.
    return this.db.transaction(() =>
      this.sql.staleReplicas.all(staleBeforeMs, selfId).flatMap(({ replica_id }) => {
        const lost = this.sql.openSessionsOfReplica.all(replica_id).flatMap((s) => this.appender.closeLost(s) ?? []);
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

  /** Replaces a camera's places inside the caller's transaction and returns the camera. */
  private replacePlaces(cameraId: string, places: Places): StoredCamera {
    const key = this.cameraKey(cameraId);
    this.places.replace(key, places);
    return this.toCamera(this.sql.cameraByKey.get(key)!);
  }

  private toCamera(row: CameraRow): StoredCamera {
    return cameraOf(row, this.places.of(row.camera_key));
  }

  /** The keys of a set of cameras (an unknown one is NOT_FOUND), or null for no set. */
  private cameraKeysOf(cameraIds: readonly string[] | undefined): number[] | null {
    return cameraIds === undefined ? null : cameraIds.map((id) => this.cameraKey(id));
  }

  private cameraKey(cameraId: string): number {
    return this.keys.cachedCamera(cameraId) ?? this.keys.rememberCamera(cameraId, this.sql.cameraById.get(cameraId));
  }

  private sessionKey(sessionId: string, cameraKey: number, cameraId: string): number {
    const session = this.keys.cachedSession(sessionId) ?? this.keys.rememberSession(sessionId, this.sql.sessionById.get(sessionId));
    return sessionKeyOf(session, sessionId, cameraKey, cameraId);
  }
}
