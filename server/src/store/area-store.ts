import type { CrossingSums, Entrance } from "../areas/area-occupancy.ts";
import { DomainError } from "../rpc/errors.ts";

/** An area's settings, as stored. */
export interface AreaSettings {
  /** 1 to 80 characters. */
  readonly name: string;
  /** The most people allowed inside, or null for no limit. */
  readonly capacity: number | null;
  /** Minutes after local midnight of the daily reset, 0..1439 (240 is 04:00). */
  readonly resetMinute: number;
  /** IANA zone of the daily reset (e.g. "Europe/Berlin"). */
  readonly timeZone: string;
}

/** A stored area: cameras' lines counted together as the doors of one place. */
export interface StoredArea extends AreaSettings {
  readonly areaId: string;
  /** Its doors, in the order given. */
  readonly entrances: readonly Entrance[];
  /** The last manual reset (Unix ms), or null. */
  readonly resetAtMs: number | null;
  readonly createdAtMs: number;
}

/**
 * Areas and their entrances, on the same database as the cameras. Unknown
 * areas or cameras are DomainErrors (NOT_FOUND); a taken id is ALREADY_EXISTS.
 */
export interface AreaStore {
  /** Creates an area with no entrances. */
  createArea(areaId: string, settings: AreaSettings, nowMs: number): Promise<StoredArea>;
  /** Replaces an area's settings. */
  updateArea(areaId: string, settings: AreaSettings): Promise<StoredArea>;
  /** Replaces an area's entrances (each camera must exist; lines are checked by the caller). */
  setEntrances(areaId: string, entrances: readonly Entrance[]): Promise<StoredArea>;
  /** Records a manual reset: inside-now counts from `atMs`. */
  resetArea(areaId: string, atMs: number): Promise<StoredArea>;
  /** Deletes an area (its cameras and their events stay). */
  deleteArea(areaId: string): Promise<void>;
  /** Every area, by name. */
  listAreas(): Promise<StoredArea[]>;
  /**
   * Crossings in and out per camera and line id since `fromMs` (inclusive),
   * from the stored events, for the given cameras (unknown ones are left
   * out; a known camera with none answers an empty map). Crossings stored
   * before lines were named count for line "line", the camera's single line then.
   */
  crossingsSince(cameraIds: readonly string[], fromMs: number): Promise<Map<string, Map<string, CrossingSums>>>;
}

/** The row shape both stores read areas in. */
export interface AreaRow {
  readonly area_key: number;
  readonly area_id: string;
  readonly name: string;
  readonly capacity: number | null;
  readonly reset_minute: number;
  readonly time_zone: string;
  readonly reset_at_ms: number | null;
  readonly created_at_ms: number;
}

/** An entrance row joined to its camera's id. */
export interface EntranceRow {
  readonly area_key: number;
  readonly camera_id: string;
  readonly line_id: string;
}

/** Rows -> areas (entrances in the order stored). */
export function toAreas(areas: readonly AreaRow[], entrances: readonly EntranceRow[]): StoredArea[] {
  const byArea = new Map<number, Entrance[]>();
  for (const e of entrances) {
    const list = byArea.get(e.area_key) ?? [];
    list.push({ cameraId: e.camera_id, lineId: e.line_id });
    byArea.set(e.area_key, list);
  }
  return areas.map((a) => ({
    areaId: a.area_id,
    name: a.name,
    capacity: a.capacity === null ? null : Number(a.capacity),
    resetMinute: Number(a.reset_minute),
    timeZone: a.time_zone,
    entrances: byArea.get(a.area_key) ?? [],
    resetAtMs: a.reset_at_ms === null ? null : Number(a.reset_at_ms),
    createdAtMs: Number(a.created_at_ms),
  }));
}

/** NOT_FOUND for an unknown area id. */
export function areaNotFound(areaId: string): DomainError {
  return new DomainError("NOT_FOUND", `no area with id ${JSON.stringify(areaId.slice(0, 80))}`);
}

/** ALREADY_EXISTS for an area id taken. */
export function areaExists(areaId: string): DomainError {
  return new DomainError("ALREADY_EXISTS", `an area with id ${JSON.stringify(areaId.slice(0, 80))} exists`);
}
