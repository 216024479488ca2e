-- What access decisions need, shared by every replica.

-- Only a token's SHA-256 is kept (hex), so a copy of the database cannot capture.
CREATE TABLE pairings (
  token_sha256 text PRIMARY KEY,
  camera_key integer NOT NULL REFERENCES cameras (camera_key),
  created_at_ms bigint NOT NULL
);
CREATE INDEX pairings_by_camera ON pairings (camera_key);

-- Random keys made on first use (the one that signs viewer tokens), base64url.
CREATE TABLE secrets (
  name text PRIMARY KEY,
  value text NOT NULL
);

-- Token buckets every replica takes from (the sign-in throttle).
CREATE TABLE throttles (
  name text PRIMARY KEY,
  tokens double precision NOT NULL,
  updated_at_ms bigint NOT NULL
);
