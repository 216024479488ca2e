import type { TrackUpdate } from "../track/track-types.ts";

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

/** Why an event was counted other than by what the camera saw (see {@link Counter.close}). */
export type CountReason = "capture_stopped" | "session_lost";

/** Something the counter counted. */
export interface CountEvent {
  readonly kind: "entry" | "exit" | "cross_in" | "cross_out";
  readonly trackId: number;
  readonly timeMs: number;
  /** Absent for what the frames showed; set for an exit counted because the session ended. */
  readonly reason?: CountReason;
}

/** The counter's answer for one frame. */
export interface CountResult {
  readonly totals: CountTotals;
  readonly events: readonly CountEvent[];
}

/** A people counter: pure and synchronous, fed one tracker update per frame. */
export interface Counter {
  update(update: TrackUpdate): CountResult;
  /** Sets or clears the counting line; it applies from the next update. */
  setLine(line: Line | null): void;
  /**
   * Ends counting: every track counted as entered and not yet exited exits
   * now, at `timeMs`, with reason "capture_stopped" (tentative tracks never
   * entered, so they never exit). People in view drop to 0; later calls return no events.
   */
  close(timeMs: number): CountResult;
}
