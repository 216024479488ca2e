import type Database from "better-sqlite3";
import { lostStayLeaves } from "./place-rows.ts";
import type { SqlitePlaces } from "./sqlite-places.ts";
import { queryOpenStays, queryOpenTracks } from "./sqlite-queries.ts";
import { batchEffect, checkLiveSession, KIND_CODE, reasonCode, totalsOf } from "./sqlite-rows.ts";
import type { SqliteStatements, UnclosedRow } from "./sqlite-statements.ts";
import type { AppendResult, LostSession, NewEvent } from "./store.ts";

/**
 * The SQLite store's writes of events: appending a batch and closing a
 * session (with its exits), each inside the caller's transaction.
 */
export class SqliteAppender {
  constructor(
    private readonly db: Database.Database,
    private readonly sql: SqliteStatements,
    private readonly places: SqlitePlaces,
  ) {}

  /**
   * Closes a session a killed server left open (see Store.closeLostSessions),
   * inside the caller's transaction: its tracks never seen leaving exit at its
   * last stored event (reason "session_lost"). Null when it was closed already.
   */
  closeLost(s: UnclosedRow): LostSession | null {
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
  closeInTransaction(sessionKey: number, closedAtMs: number, framesAcked: number | null, exits: readonly NewEvent[]): AppendResult | null {
    const closed = this.sql.closeSession.get(closedAtMs, framesAcked, sessionKey);
    if (!closed) return null;
    if (exits.length > 0) return this.appendInTransaction(closed.camera_key, sessionKey, exits, null);
    const row = this.sql.cameraByKey.get(closed.camera_key)!;
    return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: this.places.totals(closed.camera_key), eventIds: [] };
  }

  /**
   * One appended batch inside the caller's write transaction: claims its
   * (session, seq) key (a claimed key answers with the ids first given and
   * the current totals, writing nothing), then writes the events, totals,
   * minute counts and place counts.
   */
  appendInTransaction(cameraKey: number, sessionKey: number | null, events: readonly NewEvent[], seq: number | null, liveSessionId: string | null = null): AppendResult {
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
}
