import type Database from "better-sqlite3";
import { type CameraRow, KIND_CODE } from "./sqlite-rows.ts";

/** An open session as the lost-session statements return it. */
export interface UnclosedRow {
  readonly session_key: number;
  readonly session_id: string;
  readonly camera_key: number;
  readonly camera_id: string;
  readonly opened_at_ms: number;
}

/** Prepares the SQLite store's statements on its connection, once (every one it runs but the queries of sqlite-queries.ts). */
export function prepareStatements(db: Database.Database) {
  return {
    cameraById: db.prepare<[string], CameraRow>("SELECT * FROM cameras WHERE camera_id = ?"),
    cameraByKey: db.prepare<[number], CameraRow>("SELECT * FROM cameras WHERE camera_key = ?"),
    // Both subqueries are index lookups (events_by_camera_time, sessions_by_camera). A reset is made from the count page, not by the camera.
    allCameras: db.prepare<[], CameraRow>(`
      SELECT c.*, MAX(
        COALESCE((SELECT MAX(e.time_ms) FROM events e WHERE e.camera_key = c.camera_key AND e.kind <> ${KIND_CODE.reset}), 0),
        COALESCE((SELECT COALESCE(s.closed_at_ms, s.opened_at_ms) FROM sessions s WHERE s.camera_key = c.camera_key ORDER BY s.opened_at_ms DESC LIMIT 1), 0)
      ) AS last_seen_at_ms
      FROM cameras c ORDER BY c.name, c.camera_id`),
    insertCamera: db.prepare("INSERT INTO cameras (camera_id, name, created_at_ms) VALUES (?, ?, ?) ON CONFLICT (camera_id) DO NOTHING"),
    rename: db.prepare<[string, string], CameraRow>("UPDATE cameras SET name = ? WHERE camera_id = ? RETURNING *"),
    setTotals: db.prepare(
      "UPDATE cameras SET entered = ?, exited = ?, crossed_in = ?, crossed_out = ?, reset_at_ms = ? WHERE camera_key = ?",
    ),
    sessionById: db.prepare<[string], { session_key: number; camera_key: number }>(
      "SELECT session_key, camera_key FROM sessions WHERE session_id = ?",
    ),
    openSession: db.prepare("INSERT INTO sessions (session_id, camera_key, opened_at_ms, replica_id) VALUES (?, ?, ?, ?)"),
    holdCamera: db.prepare("UPDATE cameras SET live_session_id = ? WHERE camera_key = ?"),
    releaseCamera: db.prepare("UPDATE cameras SET live_session_id = NULL WHERE camera_key = ? AND live_session_id = ?"),
    beat: db.prepare("INSERT INTO replicas (replica_id, heartbeat_at_ms) VALUES (?, ?) ON CONFLICT (replica_id) DO UPDATE SET heartbeat_at_ms = excluded.heartbeat_at_ms"),
    staleReplicas: db.prepare<[number, string], { replica_id: string }>("SELECT replica_id FROM replicas WHERE heartbeat_at_ms < ? AND replica_id <> ? ORDER BY replica_id"),
    forgetReplica: db.prepare("DELETE FROM replicas WHERE replica_id = ?"),
    openSessionsOfReplica: db.prepare<[string], UnclosedRow>(
      "SELECT s.session_key, s.session_id, s.camera_key, c.camera_id, s.opened_at_ms FROM sessions s JOIN cameras c USING (camera_key) WHERE s.closed_at_ms IS NULL AND s.replica_id = ? ORDER BY s.session_key",
    ),
    // Only an open session closes: whoever closes it writes its exits, exactly once.
    closeSession: db.prepare<[number, number | null, number], { camera_key: number }>(
      "UPDATE sessions SET closed_at_ms = ?, frames_acked = ? WHERE session_key = ? AND closed_at_ms IS NULL RETURNING camera_key",
    ),
    unclosedSessions: db.prepare<[], UnclosedRow>(
      "SELECT s.session_key, s.session_id, s.camera_key, c.camera_id, s.opened_at_ms FROM sessions s JOIN cameras c USING (camera_key) WHERE s.closed_at_ms IS NULL ORDER BY s.session_key",
    ),
    insertEvent: db.prepare(
      "INSERT INTO events (camera_key, session_key, kind, track_id, time_ms, seq, reason, place_id, dwell_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    claimBatch: db.prepare("INSERT INTO appended_batches (session_key, seq) VALUES (?, ?) ON CONFLICT DO NOTHING"),
    batchEventIds: db.prepare<[number, number], { id: number }>("SELECT id FROM events WHERE session_key = ? AND seq = ? ORDER BY id"),
    addMinute: db.prepare(`
      INSERT INTO minute_counts (camera_key, minute, entered, exited, crossed_in, crossed_out) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (camera_key, minute) DO UPDATE SET
        entered = entered + excluded.entered, exited = exited + excluded.exited,
        crossed_in = crossed_in + excluded.crossed_in, crossed_out = crossed_out + excluded.crossed_out`),
  };
}

/** The prepared statements of one SQLite store. */
export type SqliteStatements = ReturnType<typeof prepareStatements>;
