/**
 * People inside an area, from the crossings of its entrances. Pure: the
 * crossing sums and times are arguments.
 */

/** One entrance of an area: a counting line of a camera. */
export interface Entrance {
  readonly cameraId: string;
  /** The line's id on its camera ("line" for a camera's single line). */
  readonly lineId: string;
}

/** Crossings of one line in one direction each, over some period. */
export interface CrossingSums {
  readonly crossedIn: number;
  readonly crossedOut: number;
}

/** Crossing sums per entrance line, keyed by {@link entranceKey}. */
export type CrossingsByLine = ReadonlyMap<string, CrossingSums>;

/** What an area shows. */
export interface Occupancy {
  /** In minus out since the area's last reset (daily or manual), never below 0. */
  readonly inside: number;
  /** Crossings in over the entrances since the daily reset. */
  readonly entered: number;
  /** Crossings out over the entrances since the daily reset. */
  readonly left: number;
}

/** The map key of an entrance line. */
export function entranceKey(e: Entrance): string {
  return `${e.cameraId}\u0000${e.lineId}`;
}

/** Sums of the entrances' crossings (an entrance listed twice counts once). */
export function sumEntrances(entrances: readonly Entrance[], crossings: CrossingsByLine): CrossingSums {
  let crossedIn = 0;
  let crossedOut = 0;
  for (const key of new Set(entrances.map(entranceKey))) {
    const c = crossings.get(key);
    if (!c) continue;
    crossedIn += c.crossedIn;
    crossedOut += c.crossedOut;
  }
  return { crossedIn, crossedOut };
}

/**
 * Occupancy from the entrances' crossings since the daily reset (`sinceDay`)
 * and since the manual reset when that came later (`sinceManual`, else null).
 * Inside is clamped at 0: people already inside at a reset who then leave
 * would otherwise make it negative, and "-3 inside" helps nobody at a door.
 */
export function occupancyOf(entrances: readonly Entrance[], sinceDay: CrossingsByLine, sinceManual: CrossingsByLine | null): Occupancy {
  const day = sumEntrances(entrances, sinceDay);
  const window = sinceManual ? sumEntrances(entrances, sinceManual) : day;
  return { inside: Math.max(0, window.crossedIn - window.crossedOut), entered: day.crossedIn, left: day.crossedOut };
}

/** Where inside-now stands against the capacity. */
export type CapacityState = "none" | "ok" | "near" | "full";

/** From this share of the capacity on, an area is "near" (amber). */
export const NEAR_SHARE = 0.9;

/**
 * The capacity state: "none" without a capacity, "full" (red) at or over it,
 * "near" (amber) from 90% of it (rounded up: 9 of 10, 1 of 1), else "ok".
 */
export function capacityState(inside: number, capacity: number | null): CapacityState {
  if (capacity === null || capacity <= 0) return "none";
  if (inside >= capacity) return "full";
  if (inside >= Math.ceil(capacity * NEAR_SHARE)) return "near";
  return "ok";
}
