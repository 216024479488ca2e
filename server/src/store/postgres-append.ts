import type pg from "pg";
import { inTransaction, isTransient, one } from "./postgres-pool.ts";
import { SQL } from "./postgres-queries.ts";
import { lostStayLeaves } from "./place-rows.ts";
import { applyPlaces, placeTotals } from "./postgres-places.ts";
import { batchEffect, type CameraRow, checkLiveSession, KIND_CODE, reasonCode, totalsOf } from "./sqlite-rows.ts";
import type { AppendResult, LostSession, NewEvent } from "./store.ts";

/** An open session as the lost-session queries return it. */
export interface UnclosedSession {
  readonly session_key: number;
  readonly session_id: string;
  readonly camera_key: number;
  readonly camera_id: string;
  readonly opened_at_ms: number;
}

/**
 * One appended batch inside the caller's transaction: locks the camera row,
 * claims the batch's (session, seq) key (a claimed key answers with the ids
 * first given and the current totals, writing nothing), then writes the
 * events in one statement, the camera's totals and the minute counts.
 */
export async function appendInTransaction(
  client: pg.PoolClient, cameraKey: number, sessionKey: number | null, events: readonly NewEvent[], seq: number | null, liveSessionId: string | null = null,
): Promise<AppendResult> {
  const row = (await one<CameraRow>(client, SQL.lockCamera, [cameraKey]))!;
  if (seq !== null && (await client.query(SQL.claimBatch, [sessionKey, seq])).rowCount === 0) {
    const { rows } = await client.query<{ id: number }>(SQL.batchEventIds, [sessionKey, seq]);
    return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: await placeTotals(client, cameraKey), eventIds: rows.map((r) => r.id), replayed: true };
  }
  // Checked under the row lock: a takeover committed before this point refuses the batch (rolled back, claim included).
  if (liveSessionId !== null) checkLiveSession(row, liveSessionId);
  const { totals: t, resetAtMs, minutes } = batchEffect(row, events);
  const inserted = await client.query<{ id: number }>(SQL.insertEvents, [
    cameraKey, sessionKey, seq,
    events.map((e) => KIND_CODE[e.kind]), events.map((e) => e.trackId), events.map((e) => e.timeMs), events.map((e) => reasonCode(e.reason)),
    events.map((e) => e.lineId ?? e.zoneId ?? null), events.map((e) => e.dwellMs ?? null),
  ]);
  await client.query(SQL.setTotals, [...t, resetAtMs, cameraKey]);
  if (minutes.size > 0) {
    const m = [...minutes];
    await client.query(SQL.addMinutes, [cameraKey, m.map(([k]) => k), ...[0, 1, 2, 3].map((i) => m.map(([, c]) => c[i]))]);
  }
  const places = await applyPlaces(client, cameraKey, events);
  return { totals: { entered: t[0], exited: t[1], crossedIn: t[2], crossedOut: t[3] }, resetAtMs, places, eventIds: inserted.rows.map((r) => r.id) };
}

/** Closes an open session and appends its exits, inside the caller's transaction; null when it was closed already. */
export async function closeInTransaction(
  client: pg.PoolClient, sessionKey: number, closedAtMs: number, framesAcked: number | null, exits: readonly NewEvent[],
): Promise<AppendResult | null> {
  const closed = await one<{ camera_key: number }>(client, SQL.closeSession, [closedAtMs, framesAcked, sessionKey]);
  if (!closed) return null;
  if (exits.length > 0) return appendInTransaction(client, closed.camera_key, sessionKey, exits, null);
  const row = (await one<CameraRow>(client, SQL.cameraByKey, [closed.camera_key]))!;
  return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: await placeTotals(client, closed.camera_key), eventIds: [] };
}

/**
 * Closes a session cut off by a killed server, inside the caller's
 * transaction: the tracks it counted as entered and never as exited exit at
 * its last stored event (reason "session_lost"), which becomes its end, and
 * it no longer holds its camera. Null when it was closed already.
 */
export async function closeLostInTransaction(client: pg.PoolClient, s: UnclosedSession): Promise<LostSession | null> {
  // Read inside the transaction, so what is closed is what was stored.
  const trackIds = (await client.query<{ trackId: number }>(SQL.openTracks, [s.camera_key, s.session_key])).rows.map((r) => r.trackId);
  const last = await one<{ lastEventAtMs: number | null }>(client, SQL.lastSessionEvent, [s.camera_key, s.session_key]);
  const closedAtMs = Math.max(s.opened_at_ms, last?.lastEventAtMs ?? s.opened_at_ms);
  const exits = trackIds.map((trackId): NewEvent => ({ kind: "exit", trackId, timeMs: closedAtMs, reason: "session_lost" }));
  const stays = (await client.query<{ zoneId: string; trackId: string; enteredAtMs: string }>(SQL.openStays, [s.camera_key, s.session_key])).rows;
  const leaves = lostStayLeaves(stays.map((r) => ({ zoneId: r.zoneId, trackId: Number(r.trackId), enteredAtMs: Number(r.enteredAtMs) })), closedAtMs);
  if (!(await closeInTransaction(client, s.session_key, closedAtMs, null, [...leaves, ...exits]))) return null;
  await client.query(SQL.releaseCamera, [s.camera_key, s.session_id]);
  return { sessionId: s.session_id, cameraId: s.camera_id, closedAtMs, exits: exits.length };
}

/**
 * Appends a batch in its own transaction. One whose connection is lost is
 * retried once on another connection when it has a (session, seq) key: the
 * key makes that safe.
 */
export async function appendWithRetry(
  pool: pg.Pool, cameraKey: number, sessionKey: number | null, events: readonly NewEvent[], key: number | null, liveSessionId: string | null,
): Promise<AppendResult> {
  const append = () => inTransaction(pool, (client) => appendInTransaction(client, cameraKey, sessionKey, events, key, liveSessionId));
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

/** Closes every session a killed server left open, each in its own transaction (see Store.closeLostSessions). */
export async function closeLostSessions(pool: pg.Pool): Promise<LostSession[]> {
  const lost: LostSession[] = [];
  for (const s of (await pool.query<UnclosedSession>(SQL.unclosedSessions)).rows) {
    const closed = await inTransaction(pool, (client) => closeLostInTransaction(client, s));
    if (closed) lost.push(closed);
  }
  return lost;
}

/** Closes the open sessions of replicas silent since `staleBeforeMs` and forgets them (see Store.closeStaleReplicas). */
export async function closeStaleReplicas(pool: pg.Pool, selfId: string, staleBeforeMs: number): Promise<LostSession[]> {
  // One transaction holds the stale replicas' rows until their sessions are closed and the rows gone.
  return inTransaction(pool, async (client) => {
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
