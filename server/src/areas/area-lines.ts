import type { Line } from "../count/count-types.ts";
import { type CrossingSums, type Entrance, entranceKey } from "./area-occupancy.ts";

/**
 * Which counting lines a camera has, by id: the one place that knows how
 * lines are kept. Today a camera has at most one line, with id "line"; when
 * cameras get several lines, this returns their ids and nothing else about
 * areas changes.
 */

/** The id of a camera's single counting line. */
export const SINGLE_LINE_ID = "line";

/** What a camera's lines are read from. */
export interface CameraLines {
  readonly line: Line | null;
}

/** The ids of a camera's counting lines (none while it has no line). */
export function lineIdsOf(camera: CameraLines): string[] {
  return camera.line ? [SINGLE_LINE_ID] : [];
}

/**
 * Whether crossings stored for a camera count for an entrance of line
 * `lineId`: with one line per camera every crossing of the camera is its
 * line's. (Crossings do not carry a line id yet.)
 */
export function crossingBelongsTo(lineId: string): boolean {
  return lineId === SINGLE_LINE_ID;
}

/** Crossing sums per camera (what the store counts today) -> per entrance line, for {@link occupancyOf}. */
export function crossingsByLine(entrances: readonly Entrance[], perCamera: ReadonlyMap<string, CrossingSums>): Map<string, CrossingSums> {
  const result = new Map<string, CrossingSums>();
  for (const e of entrances) {
    const sums = perCamera.get(e.cameraId);
    if (sums && crossingBelongsTo(e.lineId)) result.set(entranceKey(e), sums);
  }
  return result;
}
