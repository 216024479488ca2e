import type Database from "better-sqlite3";
import type { CrossingSums, Entrance } from "../areas/area-occupancy.ts";
import { type AreaRow, type AreaSettings, areaExists, areaNotFound, type AreaStore, type EntranceRow, type StoredArea, toAreas } from "./area-store.ts";
import { KIND_CODE } from "./sqlite-rows.ts";

/**
 * AreaStore on the SQLite file (tables `areas` and `area_entrances`, schema
 * version 5). `cameraKey` throws NOT_FOUND for an unknown camera.
 */
export class SqliteAreaStore implements AreaStore {
  private readonly sql;

  constructor(
    private readonly db: Database.Database,
    private readonly cameraKey: (cameraId: string) => number,
  ) {
    this.sql = {
      insert: db.prepare(
        "INSERT INTO areas (area_id, name, capacity, reset_minute, time_zone, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      update: db.prepare("UPDATE areas SET name = ?, capacity = ?, reset_minute = ?, time_zone = ? WHERE area_id = ?"),
      reset: db.prepare("UPDATE areas SET reset_at_ms = ? WHERE area_id = ?"),
      delete: db.prepare("DELETE FROM areas WHERE area_id = ?"),
      keyOf: db.prepare<[string], { area_key: number }>("SELECT area_key FROM areas WHERE area_id = ?"),
      clearEntrances: db.prepare("DELETE FROM area_entrances WHERE area_key = ?"),
      addEntrance: db.prepare("INSERT OR IGNORE INTO area_entrances (area_key, position, camera_key, line_id) VALUES (?, ?, ?, ?)"),
      areas: db.prepare<[], AreaRow>("SELECT * FROM areas ORDER BY name, area_id"),
      area: db.prepare<[string], AreaRow>("SELECT * FROM areas WHERE area_id = ?"),
      entrances: db.prepare<[], EntranceRow>(
        "SELECT e.area_key, c.camera_id, e.line_id FROM area_entrances e JOIN cameras c USING (camera_key) ORDER BY e.area_key, e.position",
      ),
      // An index range on events_by_camera_time: one camera's events of the day.
      crossings: db.prepare<[number, number], { lineId: string; crossedIn: number; crossedOut: number }>(`
        SELECT COALESCE(place_id, 'line') AS lineId, SUM(kind = ${KIND_CODE.cross_in}) AS crossedIn, SUM(kind = ${KIND_CODE.cross_out}) AS crossedOut
        FROM events WHERE camera_key = ? AND time_ms >= ? AND kind IN (${KIND_CODE.cross_in}, ${KIND_CODE.cross_out})
        GROUP BY lineId`),
      areaEntrances: db.prepare<[number], EntranceRow>(
        "SELECT e.area_key, c.camera_id, e.line_id FROM area_entrances e JOIN cameras c USING (camera_key) WHERE e.area_key = ? ORDER BY e.position",
      ),
    };
  }

  async createArea(areaId: string, s: AreaSettings, nowMs: number): Promise<StoredArea> {
    try {
      this.sql.insert.run(areaId, s.name, s.capacity, s.resetMinute, s.timeZone, nowMs);
    } catch (err) {
      if ((err as { code?: unknown }).code === "SQLITE_CONSTRAINT_UNIQUE") throw areaExists(areaId);
      throw err;
    }
    return this.read(areaId);
  }

  async updateArea(areaId: string, s: AreaSettings): Promise<StoredArea> {
    this.changed(this.sql.update.run(s.name, s.capacity, s.resetMinute, s.timeZone, areaId).changes, areaId);
    return this.read(areaId);
  }

  async setEntrances(areaId: string, entrances: readonly Entrance[]): Promise<StoredArea> {
    const keys = entrances.map((e) => this.cameraKey(e.cameraId));
    this.db.transaction(() => {
      const area = this.sql.keyOf.get(areaId);
      if (!area) throw areaNotFound(areaId);
      this.sql.clearEntrances.run(area.area_key);
      entrances.forEach((e, i) => this.sql.addEntrance.run(area.area_key, i, keys[i], e.lineId));
    }).immediate();
    return this.read(areaId);
  }

  async resetArea(areaId: string, atMs: number): Promise<StoredArea> {
    this.changed(this.sql.reset.run(atMs, areaId).changes, areaId);
    return this.read(areaId);
  }

  async deleteArea(areaId: string): Promise<void> {
    this.changed(this.sql.delete.run(areaId).changes, areaId);
  }

  async listAreas(): Promise<StoredArea[]> {
    return toAreas(this.sql.areas.all(), this.sql.entrances.all());
  }

  async crossingsSince(cameraIds: readonly string[], fromMs: number): Promise<Map<string, Map<string, CrossingSums>>> {
    const result = new Map<string, Map<string, CrossingSums>>();
    for (const cameraId of new Set(cameraIds)) {
      let key: number;
      try {
        key = this.cameraKey(cameraId);
      } catch {
        continue;
      }
      result.set(cameraId, new Map(this.sql.crossings.all(key, fromMs).map((r) => [r.lineId, { crossedIn: r.crossedIn, crossedOut: r.crossedOut }])));
    }
    return result;
  }

  private read(areaId: string): StoredArea {
    const row = this.sql.area.get(areaId);
    if (!row) throw areaNotFound(areaId);
    return toAreas([row], this.sql.areaEntrances.all(row.area_key))[0]!;
  }

  private changed(changes: number, areaId: string): void {
    if (changes === 0) throw areaNotFound(areaId);
  }
}
