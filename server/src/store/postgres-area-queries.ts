import { KIND_CODE } from "./sqlite-rows.ts";

/** Every SQL statement of the PostgreSQL area store, parameterised ($1, $2, ...). */
export const AREA_SQL = {
  insert: "INSERT INTO areas (area_id, name, capacity, reset_minute, time_zone, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
  update: "UPDATE areas SET name = $1, capacity = $2, reset_minute = $3, time_zone = $4 WHERE area_id = $5",
  reset: "UPDATE areas SET reset_at_ms = $1 WHERE area_id = $2",
  delete: "DELETE FROM areas WHERE area_id = $1",
  /** Locks the area row while its entrances are replaced, so two edits do not interleave. */
  lockArea: "SELECT area_key FROM areas WHERE area_id = $1 FOR UPDATE",
  clearEntrances: "DELETE FROM area_entrances WHERE area_key = $1",
  addEntrance: "INSERT INTO area_entrances (area_key, position, camera_key, line_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
  areas: 'SELECT * FROM areas ORDER BY name COLLATE "C", area_id COLLATE "C"',
  area: "SELECT * FROM areas WHERE area_id = $1",
  entrances: "SELECT e.area_key, c.camera_id, e.line_id FROM area_entrances e JOIN cameras c USING (camera_key) ORDER BY e.area_key, e.position",
  areaEntrances:
    "SELECT e.area_key, c.camera_id, e.line_id FROM area_entrances e JOIN cameras c USING (camera_key) WHERE e.area_key = $1 ORDER BY e.position",
  // An index range on events_by_camera_time per camera: the cameras' events of the day.
  crossings: `
    SELECT c.camera_id AS "cameraId", COALESCE(e.place_id, 'line') AS "lineId",
      COUNT(*) FILTER (WHERE e.kind = ${KIND_CODE.cross_in})::integer AS "crossedIn",
      COUNT(*) FILTER (WHERE e.kind = ${KIND_CODE.cross_out})::integer AS "crossedOut"
    FROM cameras c JOIN events e ON e.camera_key = c.camera_key AND e.time_ms >= $2 AND e.kind IN (${KIND_CODE.cross_in}, ${KIND_CODE.cross_out})
    WHERE c.camera_id = ANY($1::text[])
    GROUP BY c.camera_id, COALESCE(e.place_id, 'line')`,
  knownCameras: "SELECT camera_id FROM cameras WHERE camera_id = ANY($1::text[])",
} as const;
