-- One live session per camera: the session that last opened for the camera
-- holds it; only its frames are counted (appends from any other session are
-- refused, in the transaction that locks the camera row). Setting it changes
-- the camera row, so the headcount_camera notification (0003) tells every
-- replica at once, and the replica running the old session ends it.
ALTER TABLE cameras ADD COLUMN live_session_id text;

-- Each running replica beats here; a replica whose beat is stale was killed,
-- and a live one closes the sessions it served (their people exit as
-- session_lost). Sessions opened before this migration have no replica.
CREATE TABLE replicas (
  replica_id text PRIMARY KEY,
  heartbeat_at_ms bigint NOT NULL
);
ALTER TABLE sessions ADD COLUMN replica_id text;
CREATE INDEX sessions_open_by_replica ON sessions (replica_id) WHERE closed_at_ms IS NULL;
