import type pg from "pg";
import { one } from "./postgres-pool.ts";
import { SQL } from "./postgres-queries.ts";
import { applyPlaces, placeTotals } from "./postgres-places.ts";
import { batchEffect, type CameraRow, KIND_CODE, reasonCode, totalsOf } from "./sqlite-rows.ts";
import type { AppendResult, NewEvent } from "./store.ts";

/**
 * One appended batch inside the caller's transaction: locks the camera row,
 * claims the batch's (session, seq) key (a claimed key answers with the ids
 * first given and the current totals, writing nothing), then writes the
 * events in one statement, the camera's totals and the minute counts.
 */
export async function appendInTransaction(
  client: pg.PoolClient, cameraKey: number, sessionKey: number | null, events: readonly NewEvent[], seq: number | null,
): Promise<AppendResult> {
  const row = (await one<CameraRow>(client, SQL.lockCamera, [cameraKey]))!;
  if (seq !== null && (await client.query(SQL.claimBatch, [sessionKey, seq])).rowCount === 0) {
    const { rows } = await client.query<{ id: number }>(SQL.batchEventIds, [sessionKey, seq]);
    return { totals: totalsOf(row), resetAtMs: row.reset_at_ms, places: await placeTotals(client, cameraKey), eventIds: rows.map((r) => r.id) };
  }
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
