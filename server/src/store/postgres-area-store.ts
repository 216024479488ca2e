import type pg from "pg";
import type { CrossingSums, Entrance } from "../areas/area-occupancy.ts";
import { type AreaRow, type AreaSettings, type AreaStore, areaExists, areaNotFound, type EntranceRow, type StoredArea, toAreas } from "./area-store.ts";
import { AREA_SQL } from "./postgres-area-queries.ts";
import { inTransaction, one } from "./postgres-pool.ts";

/**
 * AreaStore on the shared PostgreSQL database (tables `areas` and
 * `area_entrances`, migration 0005). `cameraKey` throws NOT_FOUND for an unknown camera.
 */
export class PostgresAreaStore implements AreaStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly cameraKey: (cameraId: string) => Promise<number>,
  ) {}

  async createArea(areaId: string, s: AreaSettings, nowMs: number): Promise<StoredArea> {
    try {
      await this.pool.query(AREA_SQL.insert, [areaId, s.name, s.capacity, s.resetMinute, s.timeZone, nowMs]);
    } catch (err) {
      if ((err as { code?: unknown }).code === "23505") throw areaExists(areaId);
      throw err;
    }
    return this.read(areaId);
  }

  async updateArea(areaId: string, s: AreaSettings): Promise<StoredArea> {
    this.changed((await this.pool.query(AREA_SQL.update, [s.name, s.capacity, s.resetMinute, s.timeZone, areaId])).rowCount, areaId);
    return this.read(areaId);
  }

  async setEntrances(areaId: string, entrances: readonly Entrance[]): Promise<StoredArea> {
    const keys: number[] = [];
    for (const e of entrances) keys.push(await this.cameraKey(e.cameraId));
    await inTransaction(this.pool, async (client) => {
      const area = await one<{ area_key: number }>(client, AREA_SQL.lockArea, [areaId]);
      if (!area) throw areaNotFound(areaId);
      await client.query(AREA_SQL.clearEntrances, [area.area_key]);
      for (const [i, e] of entrances.entries()) await client.query(AREA_SQL.addEntrance, [area.area_key, i, keys[i], e.lineId]);
    });
    return this.read(areaId);
  }

  async resetArea(areaId: string, atMs: number): Promise<StoredArea> {
    this.changed((await this.pool.query(AREA_SQL.reset, [atMs, areaId])).rowCount, areaId);
    return this.read(areaId);
  }

  async deleteArea(areaId: string): Promise<void> {
    this.changed((await this.pool.query(AREA_SQL.delete, [areaId])).rowCount, areaId);
  }

  async listAreas(): Promise<StoredArea[]> {
    const [areas, entrances] = await Promise.all([this.pool.query<AreaRow>(AREA_SQL.areas), this.pool.query<EntranceRow>(AREA_SQL.entrances)]);
    return toAreas(areas.rows, entrances.rows);
  }

  async crossingsSince(cameraIds: readonly string[], fromMs: number): Promise<Map<string, Map<string, CrossingSums>>> {
    const ids = [...new Set(cameraIds)];
    const result = new Map<string, Map<string, CrossingSums>>();
    // Known cameras with no crossing answer an empty map, as in the SQLite store.
    for (const r of (await this.pool.query<{ camera_id: string }>(AREA_SQL.knownCameras, [ids])).rows) result.set(r.camera_id, new Map());
    const { rows } = await this.pool.query<{ cameraId: string; lineId: string; crossedIn: number; crossedOut: number }>(AREA_SQL.crossings, [ids, fromMs]);
    for (const r of rows) result.get(r.cameraId)?.set(r.lineId, { crossedIn: r.crossedIn, crossedOut: r.crossedOut });
    return result;
  }

  private async read(areaId: string): Promise<StoredArea> {
    const row = await one<AreaRow>(this.pool, AREA_SQL.area, [areaId]);
    if (!row) throw areaNotFound(areaId);
    return toAreas([row], (await this.pool.query<EntranceRow>(AREA_SQL.areaEntrances, [row.area_key])).rows)[0]!;
  }

  private changed(rowCount: number | null, areaId: string): void {
    if (!rowCount) throw areaNotFound(areaId);
  }
}
