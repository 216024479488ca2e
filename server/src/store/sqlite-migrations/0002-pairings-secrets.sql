-- pairing tokens and server secrets

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
