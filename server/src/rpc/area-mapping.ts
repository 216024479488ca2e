import { type Area, type AreaSettings as ProtoAreaSettings, CapacityState } from "@headcount/proto/area";
import type { AreaMonitor, AreaView } from "../areas/area-monitor.ts";
import { type CapacityState as DomainCapacityState, type Entrance } from "../areas/area-occupancy.ts";
import { lineIdsOf } from "../areas/area-lines.ts";
import { DEFAULT_RESET_MINUTE, isKnownTimeZone } from "../areas/daily-reset.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { AreaSettings } from "../store/area-store.ts";
import { DomainError } from "./errors.ts";

/** Most entrances one area may have. */
export const MAX_ENTRANCES = 200;
/** The largest capacity accepted (a stadium is about 100,000). */
const MAX_CAPACITY = 1_000_000;

const STATE_TO_PROTO: Record<DomainCapacityState, CapacityState> = {
  none: CapacityState.NONE,
  ok: CapacityState.OK,
  near: CapacityState.NEAR,
  full: CapacityState.FULL,
};

/** An area as the count page and the display receive it. */
export function toProtoArea(v: AreaView): Area {
  const a = v.area;
  return {
    areaId: a.areaId,
    settings: {
      name: a.name,
      capacity: a.capacity ?? undefined,
      resetMinute: a.resetMinute,
      timeZone: a.timeZone,
      entrances: a.entrances.map((e) => ({ cameraId: e.cameraId, lineId: e.lineId })),
    },
    counts: {
      inside: v.occupancy.inside,
      entered: v.occupancy.entered,
      left: v.occupancy.left,
      state: STATE_TO_PROTO[v.state],
      dayStartMs: v.dayStartMs,
      countingFromMs: v.countingFromMs,
      nextResetMs: v.nextResetMs,
    },
    resetAtMs: a.resetAtMs ?? 0,
  };
}

/**
 * Checked settings from the wire: INVALID_ARGUMENT for a bad name, capacity,
 * reset time, zone or line id; NOT_FOUND for an entrance on an unknown camera.
 */
export function fromProtoSettings(
  s: ProtoAreaSettings | undefined,
  cameras: CameraRegistry,
  defaultTimeZone: string,
): { settings: AreaSettings; entrances: Entrance[] } {
  if (!s) throw new DomainError("INVALID_ARGUMENT", "settings are required");
  const name = s.name.trim();
  if (name.length < 1 || name.length > 80) throw new DomainError("INVALID_ARGUMENT", "an area name has 1 to 80 characters");
  const capacity = s.capacity ?? null;
  if (capacity !== null && !(Number.isInteger(capacity) && capacity >= 1 && capacity <= MAX_CAPACITY)) {
    throw new DomainError("INVALID_ARGUMENT", `capacity must be 1 to ${MAX_CAPACITY}, or unset for no limit (got ${capacity})`);
  }
  const resetMinute = s.resetMinute ?? DEFAULT_RESET_MINUTE;
  if (!(Number.isInteger(resetMinute) && resetMinute >= 0 && resetMinute < 1440)) {
    throw new DomainError("INVALID_ARGUMENT", `reset_minute must be 0 to 1439 (minutes after midnight), got ${resetMinute}`);
  }
  const timeZone = s.timeZone || defaultTimeZone;
  if (!isKnownTimeZone(timeZone)) throw new DomainError("INVALID_ARGUMENT", `unknown time zone ${JSON.stringify(timeZone.slice(0, 64))}; use an IANA name such as Europe/Berlin`);
  if (s.entrances.length > MAX_ENTRANCES) throw new DomainError("INVALID_ARGUMENT", `an area has at most ${MAX_ENTRANCES} entrances`);
  const entrances = s.entrances.map((e) => checkEntrance(e, cameras));
  return { settings: { name, capacity, resetMinute, timeZone }, entrances };
}

function checkEntrance(e: Entrance, cameras: CameraRegistry): Entrance {
  const camera = JSON.stringify(e.cameraId.slice(0, 80));
  if (!cameras.has(e.cameraId)) throw new DomainError("NOT_FOUND", `no camera with id ${camera}`);
  const lines = lineIdsOf(cameras.placesOf(e.cameraId).places);
  if (!lines.includes(e.lineId)) {
    const has = lines.length ? `its lines: ${lines.join(", ")}` : "it has no counting line yet; draw one on the count page first";
    throw new DomainError("INVALID_ARGUMENT", `camera ${camera} has no line ${JSON.stringify(e.lineId.slice(0, 40))} (${has})`);
  }
  return { cameraId: e.cameraId, lineId: e.lineId };
}

/** The area with this id; NOT_FOUND when there is none (or no areas at all). */
export function requireArea(monitor: Pick<AreaMonitor, "get"> | null, areaId: string): AreaView {
  const view = monitor?.get(areaId);
  if (!view) throw new DomainError("NOT_FOUND", `no area with id ${JSON.stringify(areaId.slice(0, 80))}`);
  return view;
}
