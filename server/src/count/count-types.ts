import type { TrackUpdate } from "../track/track-types.ts";
import type { Point } from "../track/box-math.ts";

/** A camera's running counts (mirrors `headcount.v1.Counts`). */
export interface CountTotals {
  inView: number;
  entered: number;
  exited: number;
  crossedIn: number;
  crossedOut: number;
}

/**
 * A counting line in normalized frame coordinates (x right, y DOWN), directed
 * from a to b. With d = b - a and v = p - a, a point p is on the left of the
 * line (as seen on screen, the walker's left hand when heading from a to b)
 * when d.x * v.y - d.y * v.x < 0. Example: for a = (0, 0.5), b = (1, 0.5) the
 * left side is the upper half of the frame. See `line-crossing.ts`.
 */
export interface Line {
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
  /** True when the left side of a->b (counter-clockwise, in image coordinates with y down) is "in". */
  readonly inSideLeft: boolean;
}

/** The id of the line a single-line camera had before lines were named: its line keeps this id (and name). */
export const DEFAULT_LINE_ID = "line";

/** One of a camera's named counting lines (ids are unique among a camera's lines and zones). */
export interface NamedLine {
  readonly id: string;
  readonly name: string;
  readonly line: Line;
}

/** A named zone: a polygon of 3 to 12 points in normalized frame coordinates. */
export interface Zone {
  readonly id: string;
  readonly name: string;
  readonly points: readonly Point[];
}

/** A camera's lines and zones (at most 8 of each). */
export interface Places {
  readonly lines: readonly NamedLine[];
  readonly zones: readonly Zone[];
}

/** No lines and no zones. */
export const NO_PLACES: Places = { lines: [], zones: [] };

/** A zone's live figures: who is in it now and the longest current stay. */
export interface ZoneLive {
  readonly zoneId: string;
  /** Confirmed tracks in the zone now. */
  readonly occupancy: number;
  /** The longest time one of them has been in it so far, ms (0 when empty). */
  readonly longestWaitMs: number;
}

/** Why an event was counted other than by what the camera saw (see {@link Counter.close}). */
export type CountReason = "capture_stopped" | "session_lost";

/** Something the counter counted. */
export interface CountEvent {
  readonly kind: "entry" | "exit" | "cross_in" | "cross_out" | "zone_enter" | "zone_leave";
  readonly trackId: number;
  readonly timeMs: number;
  /** Absent for what the frames showed; set for an exit or zone leave counted because the session ended. */
  readonly reason?: CountReason;
  /** The line crossed (crossings only). */
  readonly lineId?: string;
  /** The zone entered or left (zone events only). */
  readonly zoneId?: string;
  /** How long the track stayed in the zone, ms (zone leaves only). */
  readonly dwellMs?: number;
}

/** The counter's answer for one frame. */
export interface CountResult {
  readonly totals: CountTotals;
  readonly events: readonly CountEvent[];
  /** Each zone's live figures, in the camera's zone order. */
  readonly zones: readonly ZoneLive[];
}

/** A people counter: pure and synchronous, fed one tracker update per frame. */
export interface Counter {
  update(update: TrackUpdate): CountResult;
  /** Replaces the lines and zones; they apply from the next update (unchanged ones keep their memory). */
  setPlaces(places: Places): void;
  /**
   * Ends counting: every track counted as entered and not yet exited exits
   * now, at `timeMs`, with reason "capture_stopped" (tentative tracks never
   * entered, so they never exit), and leaves every zone it is in, with its
   * dwell up to `timeMs`. People in view drop to 0; later calls return no events.
   */
  close(timeMs: number): CountResult;
}
