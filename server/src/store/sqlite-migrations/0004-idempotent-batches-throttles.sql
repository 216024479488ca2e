-- idempotent batches and shared throttles

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
