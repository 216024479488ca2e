-- areas and their entrances

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
