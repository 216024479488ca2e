import type Database from "better-sqlite3";
import { StoreOpenError } from "./store.ts";

/** One step of the schema; `version` is the `PRAGMA user_version` after it. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Marks a file as headcount's (`PRAGMA application_id`, "HCNT"). */
export const APPLICATION_ID = 0x48434e54;

/**
 * The schema history, oldest first. Never edit a released step: add one.
 * Steps run inside a transaction, so they cannot change `foreign_keys` or
 * `journal_mode`; a table rebuild must follow SQLite's 12-step recipe.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "cameras, sessions, events, minute counts",
    sql: `
      CREATE TABLE event_kinds (
        kind INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      ) STRICT;
      INSERT INTO event_kinds (kind, name) VALUES (0, 'entry'), (1, 'exit'), (2, 'cross_in'), (3, 'cross_out'), (4, 'reset');

      -- Totals live in the camera row, updated in the transaction that appends
      -- the events, so reading them is O(1); they always equal a recount of the
      -- events since the last reset.
      CREATE TABLE cameras (
        camera_key INTEGER PRIMARY KEY,
        camera_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        line_ax REAL, line_ay REAL, line_bx REAL, line_by REAL, line_in_side_left INTEGER,
        entered INTEGER NOT NULL DEFAULT 0,
        exited INTEGER NOT NULL DEFAULT 0,
        crossed_in INTEGER NOT NULL DEFAULT 0,
        crossed_out INTEGER NOT NULL DEFAULT 0,
        reset_at_ms INTEGER,
        CHECK ((line_ax IS NULL) = (line_in_side_left IS NULL))
      ) STRICT;

      CREATE TABLE sessions (
        session_key INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL UNIQUE,
        camera_key INTEGER NOT NULL REFERENCES cameras (camera_key),
        opened_at_ms INTEGER NOT NULL,
        closed_at_ms INTEGER,
        frames_acked INTEGER
      ) STRICT;
      CREATE INDEX sessions_by_camera ON sessions (camera_key, opened_at_ms);

      -- Small integer keys instead of the text ids keep an event row near 20 bytes.
      -- Rows are never deleted (a reset is an event), so ids only grow.
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        camera_key INTEGER NOT NULL REFERENCES cameras (camera_key),
        session_key INTEGER REFERENCES sessions (session_key),
        kind INTEGER NOT NULL REFERENCES event_kinds (kind),
        track_id INTEGER NOT NULL,
        time_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX events_by_camera_time ON events (camera_key, time_ms);
      CREATE INDEX events_by_time ON events (time_ms);

      -- minute = floor(time_ms / 60000) of the events' own times.
      CREATE TABLE minute_counts (
        camera_key INTEGER NOT NULL REFERENCES cameras (camera_key),
        minute INTEGER NOT NULL,
        entered INTEGER NOT NULL,
        exited INTEGER NOT NULL,
        crossed_in INTEGER NOT NULL,
        crossed_out INTEGER NOT NULL,
        PRIMARY KEY (camera_key, minute)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX minute_counts_by_minute ON minute_counts (minute);
    `,
  },
  {
    version: 2,
    name: "pairing tokens and server secrets",
    sql: `
      -- Only a token's SHA-256 is kept (hex), so a copy of the database cannot capture.
      CREATE TABLE pairings (
        token_sha256 TEXT PRIMARY KEY,
        camera_key INTEGER NOT NULL REFERENCES cameras (camera_key),
        created_at_ms INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX pairings_by_camera ON pairings (camera_key);

      -- Random keys made on first use (e.g. the one that signs viewer tokens), base64url.
      CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "event reasons: exits counted because a session ended",
    sql: `
      CREATE TABLE event_reasons (
        reason INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
      ) STRICT;
      INSERT INTO event_reasons (reason, name) VALUES (1, 'capture_stopped'), (2, 'session_lost');

      -- NULL (one byte in a row) for every event counted from the frames.
      ALTER TABLE events ADD COLUMN reason INTEGER REFERENCES event_reasons (reason);
    `,
  },
  {
    version: 4,
    name: "idempotent batches and shared throttles",
    sql: `
      -- One row per (session, frame seq) appended: a retried batch finds its key and is not counted twice.
      CREATE TABLE appended_batches (
        session_key INTEGER NOT NULL REFERENCES sessions (session_key),
        seq INTEGER NOT NULL,
        PRIMARY KEY (session_key, seq)
      ) STRICT, WITHOUT ROWID;
      -- The seq of the batch an event came in, so a retry can answer with the ids first given.
      ALTER TABLE events ADD COLUMN seq INTEGER;
      CREATE INDEX events_by_session_seq ON events (session_key, seq) WHERE seq IS NOT NULL;

      -- Token buckets shared by every process on the file (the sign-in throttle).
      CREATE TABLE throttles (
        name TEXT PRIMARY KEY,
        tokens REAL NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: "areas and their entrances",
    sql: `
      -- reset_minute: the daily reset, minutes after local midnight in time_zone; reset_at_ms: the last manual reset.
      CREATE TABLE areas (
        area_key INTEGER PRIMARY KEY,
        area_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
        reset_minute INTEGER NOT NULL CHECK (reset_minute BETWEEN 0 AND 1439),
        time_zone TEXT NOT NULL,
        reset_at_ms INTEGER,
        created_at_ms INTEGER NOT NULL
      ) STRICT;
      -- One counting line of a camera per row; line_id 'line' is a camera's single line.
      CREATE TABLE area_entrances (
        area_key INTEGER NOT NULL REFERENCES areas (area_key) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        camera_key INTEGER NOT NULL REFERENCES cameras (camera_key),
        line_id TEXT NOT NULL,
        PRIMARY KEY (area_key, camera_key, line_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    name: "one live session per camera, and replica heartbeats",
    sql: `
      -- The session that last opened for the camera holds it: only its frames are counted.
      ALTER TABLE cameras ADD COLUMN live_session_id TEXT;

      -- The same shape as the PostgreSQL store's (0006): one server on a file beats alone,
      -- and its next start closes what a killed run left open (closeLostSessions).
      CREATE TABLE replicas (
        replica_id TEXT PRIMARY KEY,
        heartbeat_at_ms INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      ALTER TABLE sessions ADD COLUMN replica_id TEXT;
      CREATE INDEX sessions_open_by_replica ON sessions (replica_id) WHERE closed_at_ms IS NULL;
    `,
  },
  {
    version: 7,
    name: "named lines and zones per camera, their counts and minutes, zone events with dwell",
    sql: `
      INSERT INTO event_kinds (kind, name) VALUES (5, 'zone_enter'), (6, 'zone_leave');

      -- A camera's lines (kind 1) and zones (kind 2), in position order; geometry is JSON
      -- (a line's ax, ay, bx, by, inSideLeft; a zone's points). count_in/count_out are a
      -- line's crossings or a zone's stays begun/ended since the last reset, updated with the events.
      CREATE TABLE camera_places (
        camera_key INTEGER NOT NULL REFERENCES cameras (camera_key),
        place_id TEXT NOT NULL,
        kind INTEGER NOT NULL CHECK (kind IN (1, 2)),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        geometry TEXT NOT NULL,
        count_in INTEGER NOT NULL DEFAULT 0,
        count_out INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (camera_key, place_id)
      ) STRICT, WITHOUT ROWID;

      -- The single line of a camera becomes its line "line", with the crossings since its reset;
      -- the old columns are cleared (they stay: SQLite cannot drop columns under a CHECK).
      INSERT INTO camera_places (camera_key, place_id, kind, position, name, geometry, count_in, count_out)
        SELECT camera_key, 'line', 1, 0, 'line',
          json_object('ax', line_ax, 'ay', line_ay, 'bx', line_bx, 'by', line_by, 'inSideLeft', json(CASE WHEN line_in_side_left <> 0 THEN 'true' ELSE 'false' END)),
          crossed_in, crossed_out
        FROM cameras WHERE line_ax IS NOT NULL;
      UPDATE cameras SET line_ax = NULL, line_ay = NULL, line_bx = NULL, line_by = NULL, line_in_side_left = NULL;

      -- The line of a crossing or the zone of a zone event (NULL otherwise, and for crossings before lines were named),
      -- and a zone leave's dwell.
      ALTER TABLE events ADD COLUMN place_id TEXT;
      ALTER TABLE events ADD COLUMN dwell_ms INTEGER;

      -- Per line or zone and minute: in/out as in camera_places, for the series of one line or zone.
      CREATE TABLE place_minutes (
        camera_key INTEGER NOT NULL REFERENCES cameras (camera_key),
        place_id TEXT NOT NULL,
        minute INTEGER NOT NULL,
        count_in INTEGER NOT NULL,
        count_out INTEGER NOT NULL,
        PRIMARY KEY (camera_key, place_id, minute)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the database up to the last migration, applying the missing steps in
 * order inside one IMMEDIATE transaction: two processes opening the same file
 * at once cannot both migrate, and a failing step leaves the file unchanged.
 * Refuses a file from a newer version, or one that belongs to something else.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  checkOrder(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const run = db.transaction(() => {
    const from = db.pragma("user_version", { simple: true }) as number;
    const appId = db.pragma("application_id", { simple: true }) as number;
    if (appId !== APPLICATION_ID && (appId !== 0 || from !== 0 || hasTables(db))) {
      throw new StoreOpenError("foreign", `${db.name} is an SQLite database but not a headcount one (application_id ${appId}, user_version ${from}); point the data directory elsewhere`);
    }
    if (from > latest) {
      throw new StoreOpenError(
        "too-new",
        `${db.name} has schema version ${from}, but this server only knows versions up to ${latest}: it was written by a newer headcount. Run the newer server, or point the data directory elsewhere.`,
      );
    }
    for (const m of migrations) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
    if (from < latest) db.pragma(`application_id = ${APPLICATION_ID}`);
    return { from, to: Math.max(from, latest) };
  });
  return run.immediate();
}

function hasTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema LIMIT 1").get() !== undefined;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version !== i + 1) {
      throw new Error(`migration "${m.name}" has version ${m.version}; versions must be 1, 2, 3, ... in order`);
    }
  });
}
