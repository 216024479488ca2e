-- cameras, sessions, events, minute counts

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
