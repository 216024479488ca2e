import { KIND_CODE } from "./sqlite-rows.ts";

/**
 * Every SQL statement of the PostgreSQL store, parameterised ($1, $2, ...).
 * Row shapes match the SQLite store's (see sqlite-rows.ts), so both share
 * the row-to-API mapping.
 */
export const SQL = {
  cameraById: "SELECT * FROM cameras WHERE camera_id = $1",
  cameraKeyById: "SELECT camera_key FROM cameras WHERE camera_id = $1",
  /** Locks the camera row: appends to one camera queue here, so its totals stay a recount of its events. */
  lockCamera: "SELECT * FROM cameras WHERE camera_key = $1 FOR UPDATE",
  cameraByKey: "SELECT * FROM cameras WHERE camera_key = $1",
  // Both subqueries are index lookups; a reset is made from the count page, not by the camera.
  allCameras: `
    SELECT c.*, GREATEST(
      COALESCE((SELECT MAX(e.time_ms) FROM events e WHERE e.camera_key = c.camera_key AND e.kind <> ${KIND_CODE.reset}), 0),
      COALESCE((SELECT COALESCE(s.closed_at_ms, s.opened_at_ms) FROM sessions s WHERE s.camera_key = c.camera_key ORDER BY s.opened_at_ms DESC LIMIT 1), 0)
    ) AS last_seen_at_ms
    FROM cameras c ORDER BY c.name COLLATE "C", c.camera_id COLLATE "C"`,
  insertCamera: "INSERT INTO cameras (camera_id, name, created_at_ms) VALUES ($1, $2, $3) ON CONFLICT (camera_id) DO NOTHING",
  rename: "UPDATE cameras SET name = $1 WHERE camera_id = $2 RETURNING *",
  setTotals: "UPDATE cameras SET entered = $1, exited = $2, crossed_in = $3, crossed_out = $4, reset_at_ms = $5 WHERE camera_key = $6",

  sessionById: "SELECT session_key, camera_key FROM sessions WHERE session_id = $1",
  openSession: "INSERT INTO sessions (session_id, camera_key, opened_at_ms, replica_id) VALUES ($1, $2, $3, $4) RETURNING session_key",
  /** The new session holds the camera; the row change notifies every replica (0003), and the one running the old session ends it. */
  holdCamera: "UPDATE cameras SET live_session_id = $1 WHERE camera_key = $2",
  /** A session closed as lost no longer holds its camera (a later batch of it is refused). */
  releaseCamera: "UPDATE cameras SET live_session_id = NULL WHERE camera_key = $1 AND live_session_id = $2",
  beat: "INSERT INTO replicas (replica_id, heartbeat_at_ms) VALUES ($1, $2) ON CONFLICT (replica_id) DO UPDATE SET heartbeat_at_ms = excluded.heartbeat_at_ms",
  /** Stale replicas, locked: a replica another one is closing already is skipped, so each is closed once. */
  lockStaleReplicas: "SELECT replica_id FROM replicas WHERE heartbeat_at_ms < $1 AND replica_id <> $2 ORDER BY replica_id FOR UPDATE SKIP LOCKED",
  forgetReplica: "DELETE FROM replicas WHERE replica_id = $1",
  openSessionsOfReplica: `
    SELECT s.session_key, s.session_id, s.camera_key, c.camera_id, s.opened_at_ms
    FROM sessions s JOIN cameras c ON c.camera_key = s.camera_key WHERE s.closed_at_ms IS NULL AND s.replica_id = $1 ORDER BY s.session_key`,
  // Only an open session closes: whoever closes it writes its exits, exactly once.
  closeSession: "UPDATE sessions SET closed_at_ms = $1, frames_acked = $2 WHERE session_key = $3 AND closed_at_ms IS NULL RETURNING camera_key",
  unclosedSessions: `
    SELECT s.session_key, s.session_id, s.camera_key, c.camera_id, s.opened_at_ms
    FROM sessions s JOIN cameras c ON c.camera_key = s.camera_key WHERE s.closed_at_ms IS NULL ORDER BY s.session_key`,
  /** Tracks of a session that entered and never exited: the people it had in view. */
  openTracks: `
    SELECT track_id AS "trackId" FROM events
    WHERE camera_key = $1 AND session_key = $2 AND kind IN (${KIND_CODE.entry}, ${KIND_CODE.exit})
    GROUP BY track_id HAVING bool_or(kind = ${KIND_CODE.entry}) AND NOT bool_or(kind = ${KIND_CODE.exit})
    ORDER BY track_id`,
  /** Zone stays of a session that began and never ended (more enters than leaves of a track in a zone). */
  openStays: `
    SELECT place_id AS "zoneId", track_id AS "trackId", MAX(CASE WHEN kind = ${KIND_CODE.zone_enter} THEN time_ms END) AS "enteredAtMs" FROM events
    WHERE camera_key = $1 AND session_key = $2 AND kind IN (${KIND_CODE.zone_enter}, ${KIND_CODE.zone_leave})
    GROUP BY place_id, track_id
    HAVING COUNT(*) FILTER (WHERE kind = ${KIND_CODE.zone_enter}) > COUNT(*) FILTER (WHERE kind = ${KIND_CODE.zone_leave})
    ORDER BY place_id COLLATE "C", track_id`,
  lastSessionEvent: `SELECT MAX(time_ms) AS "lastEventAtMs" FROM events WHERE camera_key = $1 AND session_key = $2`,
  sessionsInRange: `
    SELECT s.session_id AS "sessionId", c.camera_id AS "cameraId", s.opened_at_ms AS "openedAtMs",
      s.closed_at_ms AS "closedAtMs", s.frames_acked AS "framesAcked"
    FROM sessions s JOIN cameras c ON c.camera_key = s.camera_key
    WHERE s.opened_at_ms < $1 AND (s.closed_at_ms IS NULL OR s.closed_at_ms >= $2)
      AND ($3::integer IS NULL OR s.camera_key = $3)
    ORDER BY s.opened_at_ms, s.session_key`,

  claimBatch: "INSERT INTO appended_batches (session_key, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
  batchEventIds: "SELECT id FROM events WHERE session_key = $1 AND seq = $2 ORDER BY id",
  /** A whole batch in one statement: parallel arrays, in order (ids follow WITH ORDINALITY). */
  insertEvents: `
    INSERT INTO events (camera_key, session_key, kind, track_id, time_ms, seq, reason, place_id, dwell_ms)
    SELECT $1, $2, b.kind, b.track_id, b.time_ms, $3, b.reason, b.place_id, b.dwell_ms
    FROM unnest($4::smallint[], $5::bigint[], $6::bigint[], $7::smallint[], $8::text[], $9::bigint[])
      WITH ORDINALITY AS b (kind, track_id, time_ms, reason, place_id, dwell_ms, n)
    ORDER BY b.n
    RETURNING id`,
  addMinutes: `
    INSERT INTO minute_counts (camera_key, minute, entered, exited, crossed_in, crossed_out)
    SELECT $1, m.minute, m.entered, m.exited, m.crossed_in, m.crossed_out
    FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[]) AS m (minute, entered, exited, crossed_in, crossed_out)
    ON CONFLICT (camera_key, minute) DO UPDATE SET
      entered = minute_counts.entered + excluded.entered, exited = minute_counts.exited + excluded.exited,
      crossed_in = minute_counts.crossed_in + excluded.crossed_in, crossed_out = minute_counts.crossed_out + excluded.crossed_out`,

  series: `
    SELECT ((minute * 60000 + $1::bigint) / $2::bigint) * $2::bigint - $1::bigint AS "startMs",
      SUM(entered)::bigint AS entered, SUM(exited)::bigint AS exited, SUM(crossed_in)::bigint AS "crossedIn", SUM(crossed_out)::bigint AS "crossedOut"
    FROM minute_counts
    WHERE minute >= $3 AND minute < $4 AND ($5::integer IS NULL OR camera_key = $5) AND ($6::integer[] IS NULL OR camera_key = ANY($6))
    GROUP BY 1 ORDER BY 1`,
  /** Newest first (time, then id), after the cursor ($4, $5) when given; $6 is the page size plus one; $7 a set of cameras (an area's). */
  events: `
    SELECT e.id, c.camera_id AS "cameraId", s.session_id AS "sessionId", e.kind, e.track_id AS "trackId", e.time_ms AS "timeMs", e.reason,
      e.place_id AS "placeId", e.dwell_ms AS "dwellMs"
    FROM events e
      JOIN cameras c ON c.camera_key = e.camera_key
      LEFT JOIN sessions s ON s.session_key = e.session_key
    WHERE ($1::integer IS NULL OR e.camera_key = $1)
      AND ($2::bigint IS NULL OR e.time_ms >= $2)
      AND ($3::bigint IS NULL OR e.time_ms < $3)
      AND ($4::bigint IS NULL OR e.time_ms < $4 OR (e.time_ms = $4 AND e.id < $5))
      AND ($7::integer[] IS NULL OR e.camera_key = ANY($7))
    ORDER BY e.time_ms DESC, e.id DESC
    LIMIT $6`,

  placesOfCamera: "SELECT * FROM camera_places WHERE camera_key = $1 ORDER BY kind, position",
  allPlaces: "SELECT * FROM camera_places ORDER BY camera_key, kind, position",
  deletePlaces: "DELETE FROM camera_places WHERE camera_key = $1",
  insertPlace: `
    INSERT INTO camera_places (camera_key, kind, place_id, position, name, geometry, count_in, count_out)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  zeroPlaces: "UPDATE camera_places SET count_in = 0, count_out = 0 WHERE camera_key = $1",
  addPlace: "UPDATE camera_places SET count_in = count_in + $1, count_out = count_out + $2 WHERE camera_key = $3 AND place_id = $4",
  addPlaceMinutes: `
    INSERT INTO place_minutes (camera_key, place_id, minute, count_in, count_out)
    SELECT $1, m.place_id, m.minute, m.count_in, m.count_out
    FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) AS m (place_id, minute, count_in, count_out)
    ON CONFLICT (camera_key, place_id, minute) DO UPDATE SET
      count_in = place_minutes.count_in + excluded.count_in, count_out = place_minutes.count_out + excluded.count_out`,
  placeSeries: `
    SELECT ((minute * 60000 + $1::bigint) / $2::bigint) * $2::bigint - $1::bigint AS "startMs",
      SUM(count_in)::bigint AS "countIn", SUM(count_out)::bigint AS "countOut"
    FROM place_minutes
    WHERE camera_key = $5 AND place_id = $6 AND minute >= $3 AND minute < $4
    GROUP BY 1 ORDER BY 1`,
  dwell: `
    SELECT time_ms AS "timeMs", dwell_ms AS "dwellMs" FROM events
    WHERE camera_key = $1 AND time_ms >= $2 AND time_ms < $3 AND kind = ${KIND_CODE.zone_leave} AND place_id = $4
    ORDER BY time_ms LIMIT $5`,

  addPairing: "INSERT INTO pairings (token_sha256, camera_key, created_at_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
  pairedCamera: "SELECT c.camera_id FROM pairings p JOIN cameras c ON c.camera_key = p.camera_key WHERE p.token_sha256 = $1",
  revokePairings: "DELETE FROM pairings WHERE camera_key = $1",
  // Insert-or-ignore then read: replicas racing on first use all read the winner's value.
  putSecret: "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
  getSecret: "SELECT value FROM secrets WHERE name = $1",
  /** Makes the bucket's row exist, so FOR UPDATE has a row to lock. */
  ensureBucket: "INSERT INTO throttles (name, tokens, updated_at_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
  lockBucket: `SELECT tokens, updated_at_ms AS "lastMs" FROM throttles WHERE name = $1 FOR UPDATE`,
  putBucket: "UPDATE throttles SET tokens = $2, updated_at_ms = $3 WHERE name = $1",
} as const;

/**
 * The tables copied from an SQLite history into an empty PostgreSQL database
 * (sqlite-to-postgres.ts), parents first, with each column's PostgreSQL type
 * for unnest(). Keys are copied as they are, so event ids and cursors stay.
 */
export const COPIED_TABLES: ReadonlyArray<{ readonly table: string; readonly key: string; readonly identity: boolean; readonly columns: Readonly<Record<string, string>> }> = [
  {
    table: "cameras", key: "camera_key", identity: true,
    columns: {
      camera_key: "integer", camera_id: "text", name: "text", created_at_ms: "bigint",
      line_ax: "double precision", line_ay: "double precision", line_bx: "double precision", line_by: "double precision", line_in_side_left: "smallint",
      entered: "bigint", exited: "bigint", crossed_in: "bigint", crossed_out: "bigint", reset_at_ms: "bigint", live_session_id: "text",
    },
  },
  {
    table: "sessions", key: "session_key", identity: true,
    columns: { session_key: "integer", session_id: "text", camera_key: "integer", opened_at_ms: "bigint", closed_at_ms: "bigint", frames_acked: "bigint", replica_id: "text" },
  },
  {
    table: "events", key: "id", identity: true,
    columns: {
      id: "bigint", camera_key: "integer", session_key: "integer", kind: "smallint", track_id: "bigint", time_ms: "bigint", seq: "bigint", reason: "smallint",
      place_id: "text", dwell_ms: "bigint",
    },
  },
  {
    table: "camera_places", key: "camera_key, place_id", identity: false,
    columns: {
      camera_key: "integer", place_id: "text", kind: "smallint", position: "smallint", name: "text", geometry: "text", count_in: "bigint", count_out: "bigint",
    },
  },
  {
    table: "place_minutes", key: "camera_key, place_id, minute", identity: false,
    columns: { camera_key: "integer", place_id: "text", minute: "bigint", count_in: "bigint", count_out: "bigint" },
  },
  {
    table: "minute_counts", key: "camera_key, minute", identity: false,
    columns: { camera_key: "integer", minute: "bigint", entered: "bigint", exited: "bigint", crossed_in: "bigint", crossed_out: "bigint" },
  },
  { table: "appended_batches", key: "session_key, seq", identity: false, columns: { session_key: "integer", seq: "bigint" } },
  { table: "pairings", key: "token_sha256", identity: false, columns: { token_sha256: "text", camera_key: "integer", created_at_ms: "bigint" } },
  { table: "secrets", key: "name", identity: false, columns: { name: "text", value: "text" } },
  {
    table: "areas", key: "area_key", identity: true,
    columns: { area_key: "integer", area_id: "text", name: "text", capacity: "integer", reset_minute: "integer", time_zone: "text", reset_at_ms: "bigint", created_at_ms: "bigint" },
  },
  { table: "area_entrances", key: "area_key, position", identity: false, columns: { area_key: "integer", position: "integer", camera_key: "integer", line_id: "text" } },
];

/** Inserts rows given as one array per column. */
export function copyInsertSql(spec: (typeof COPIED_TABLES)[number]): string {
  const names = Object.keys(spec.columns);
  const arrays = Object.values(spec.columns).map((type, i) => `$${i + 1}::${type}[]`);
  return `INSERT INTO ${spec.table} (${names.join(", ")}) ${spec.identity ? "OVERRIDING SYSTEM VALUE " : ""}SELECT * FROM unnest(${arrays.join(", ")})`;
}

/** After copying keys by hand, the identity's next value follows the largest copied key. */
export function copyIdentitySql(spec: (typeof COPIED_TABLES)[number]): string {
  return `SELECT setval(pg_get_serial_sequence('${spec.table}', '${spec.key}'), COALESCE((SELECT MAX(${spec.key}) FROM ${spec.table}), 0) + 1, false)`;
}

/** Rows in a table (the copy checks its target is empty, and its work). */
export const countRows = (table: string) => `SELECT COUNT(*)::bigint AS n FROM ${table}`;

/** Channels of the replicas' LISTEN/NOTIFY (server/src/replicas/). */
export const CHANNELS = {
  /** Payload: a camera id whose row changed (0003-camera-change-notify.sql). */
  camera: "headcount_camera",
  /** Payload: JSON live figures of a camera from the replica that runs its session. */
  live: "headcount_live",
  /** No payload: an area or its entrances changed (0008-area-change-notify.sql). */
  areas: "headcount_areas",
} as const;

/** Announces a payload on a channel (delivered to listeners at commit; at once outside a transaction). */
export const NOTIFY_SQL = "SELECT pg_notify($1, $2)";
