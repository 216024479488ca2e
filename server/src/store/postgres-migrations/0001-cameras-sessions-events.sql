-- Cameras, capture sessions, count events and their minute aggregates: the
-- same model as the SQLite store (see migrations.ts), in PostgreSQL types.
-- Times are Unix ms (bigint), so both stores give the same numbers.

-- Totals live in the camera row, updated in the transaction that appends the
-- events (the row is locked FOR UPDATE), so reading them is O(1); they always
-- equal a recount of the events since the last reset.
CREATE TABLE cameras (
  camera_key integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  camera_id text NOT NULL UNIQUE,
  name text NOT NULL,
  created_at_ms bigint NOT NULL,
  line_ax double precision, line_ay double precision, line_bx double precision, line_by double precision,
  line_in_side_left smallint,
  entered bigint NOT NULL DEFAULT 0,
  exited bigint NOT NULL DEFAULT 0,
  crossed_in bigint NOT NULL DEFAULT 0,
  crossed_out bigint NOT NULL DEFAULT 0,
  reset_at_ms bigint,
  CHECK ((line_ax IS NULL) = (line_in_side_left IS NULL))
);

CREATE TABLE sessions (
  session_key integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id text NOT NULL UNIQUE,
  camera_key integer NOT NULL REFERENCES cameras (camera_key),
  opened_at_ms bigint NOT NULL,
  closed_at_ms bigint,
  frames_acked bigint
);
CREATE INDEX sessions_by_camera ON sessions (camera_key, opened_at_ms);

-- kind: 0 entry, 1 exit, 2 cross_in, 3 cross_out, 4 reset (STORED_EVENT_KINDS' order).
-- seq: the frame seq of the batch the event came in (null for a reset from the count page).
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  camera_key integer NOT NULL REFERENCES cameras (camera_key),
  session_key integer REFERENCES sessions (session_key),
  kind smallint NOT NULL CHECK (kind BETWEEN 0 AND 4),
  track_id bigint NOT NULL,
  time_ms bigint NOT NULL,
  seq bigint
);
CREATE INDEX events_by_camera_time ON events (camera_key, time_ms);
CREATE INDEX events_by_time ON events (time_ms);
CREATE INDEX events_by_session_seq ON events (session_key, seq) WHERE seq IS NOT NULL;

-- One row per (session, frame seq) appended: a retried batch finds its key and is not counted twice.
CREATE TABLE appended_batches (
  session_key integer NOT NULL REFERENCES sessions (session_key),
  seq bigint NOT NULL,
  PRIMARY KEY (session_key, seq)
);

-- minute = floor(time_ms / 60000) of the events' own times.
CREATE TABLE minute_counts (
  camera_key integer NOT NULL REFERENCES cameras (camera_key),
  minute bigint NOT NULL,
  entered bigint NOT NULL,
  exited bigint NOT NULL,
  crossed_in bigint NOT NULL,
  crossed_out bigint NOT NULL,
  PRIMARY KEY (camera_key, minute)
);
CREATE INDEX minute_counts_by_minute ON minute_counts (minute);
