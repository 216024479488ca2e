import type { NamedLine } from "../count/count-types.ts";
import { type CrossingSums, type Entrance, entranceKey } from "./area-occupancy.ts";

/**
 * Which counting lines a camera has, by id: the one place areas learn about
 * lines. An entrance is one named line of a camera; a camera from before
 * lines were named has its single line as id "line".
 */

/** The id of a camera's single counting line (before lines were named, and `SetCountingLine`'s). */
export const SINGLE_LINE_ID = "line";

/** What a camera's lines are read from. */
export interface CameraLines {
  readonly lines: readonly Pick<NamedLine, "id">[];
}

/** The ids of a camera's counting lines, in its order (none while it has no line). */
export function lineIdsOf(camera: CameraLines): string[] {
  return camera.lines.map((l) => l.id);
}

/**
 * Crossing sums per camera and line id (what the store counts) -> per
 * entrance, for {@link occupancyOf}. A known camera without crossings on an
 * entrance's line gives that entrance zero; an unknown camera gives nothing.
 */
export function crossingsByLine(
  entrances: readonly Entrance[],
  perCamera: ReadonlyMap<string, ReadonlyMap<string, CrossingSums>>,
): Map<string, CrossingSums> {
  const result = new Map<string, CrossingSums>();
  for (const e of entrances) {
    const lines = perCamera.get(e.cameraId);
    if (lines) result.set(entranceKey(e), lines.get(e.lineId) ?? { crossedIn: 0, crossedOut: 0 });
  }
  return result;
}
