-- one live session per camera, and replica heartbeats

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
