-- named lines and zones per camera, their counts and minutes, zone events with dwell

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
