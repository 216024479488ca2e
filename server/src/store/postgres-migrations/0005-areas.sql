-- Areas: cameras' counting lines counted together as the doors of one place
-- (the same model as the SQLite store's migration 5). reset_minute is the
-- daily reset in minutes after local midnight of time_zone; reset_at_ms the
-- last manual reset.
CREATE TABLE areas (
  area_key integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  area_id text NOT NULL UNIQUE,
  name text NOT NULL,
  capacity integer CHECK (capacity IS NULL OR capacity > 0),
  reset_minute integer NOT NULL CHECK (reset_minute BETWEEN 0 AND 1439),
  time_zone text NOT NULL,
  reset_at_ms bigint,
  created_at_ms bigint NOT NULL
);

-- One counting line of a camera per row; line_id 'line' is a camera's single line.
CREATE TABLE area_entrances (
  area_key integer NOT NULL REFERENCES areas (area_key) ON DELETE CASCADE,
  position integer NOT NULL,
  camera_key integer NOT NULL REFERENCES cameras (camera_key),
  line_id text NOT NULL,
  PRIMARY KEY (area_key, camera_key, line_id)
);
