-- Named lines and zones per camera (the SQLite store's migration 7); event kinds 5 zone_enter, 6 zone_leave.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind BETWEEN 0 AND 6);

-- A camera's lines (kind 1) and zones (kind 2), in position order; geometry is JSON
-- (a line's ax, ay, bx, by, inSideLeft; a zone's points). count_in/count_out are a
-- line's crossings or a zone's stays begun/ended since the last reset, updated with the events.
CREATE TABLE camera_places (
  camera_key integer NOT NULL REFERENCES cameras (camera_key),
  place_id text NOT NULL,
  kind smallint NOT NULL CHECK (kind IN (1, 2)),
  position smallint NOT NULL,
  name text NOT NULL,
  geometry text NOT NULL,
  count_in bigint NOT NULL DEFAULT 0,
  count_out bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (camera_key, place_id)
);

-- The single line of a camera becomes its line "line", with the crossings since its reset;
-- the old columns are cleared (kept, as in the SQLite store).
INSERT INTO camera_places (camera_key, place_id, kind, position, name, geometry, count_in, count_out)
  SELECT camera_key, 'line', 1, 0, 'line',
    json_build_object('ax', line_ax, 'ay', line_ay, 'bx', line_bx, 'by', line_by, 'inSideLeft', line_in_side_left <> 0)::text,
    crossed_in, crossed_out
  FROM cameras WHERE line_ax IS NOT NULL;
UPDATE cameras SET line_ax = NULL, line_ay = NULL, line_bx = NULL, line_by = NULL, line_in_side_left = NULL;

-- The line of a crossing or the zone of a zone event, and a zone leave's dwell; adding nullable columns rewrites no rows.
ALTER TABLE events ADD COLUMN place_id text;
ALTER TABLE events ADD COLUMN dwell_ms bigint;

-- Per line or zone and minute, for the series of one line or zone.
CREATE TABLE place_minutes (
  camera_key integer NOT NULL REFERENCES cameras (camera_key),
  place_id text NOT NULL,
  minute bigint NOT NULL,
  count_in bigint NOT NULL,
  count_out bigint NOT NULL,
  PRIMARY KEY (camera_key, place_id, minute)
);
