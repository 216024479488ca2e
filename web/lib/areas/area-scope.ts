/**
 * The history panel picks "all cameras", one camera, or one area with the
 * same select. An area's value is its id behind a prefix no camera id
 * plausibly starts with (a control character), and the calls split it back
 * into `camera_id` and `area_id`.
 */

const AREA_PREFIX = "\u0001area:";

/** The select value of an area. */
export function areaScope(areaId: string): string {
  return AREA_PREFIX + areaId;
}

/** A select value as the request fields: a camera, an area, or all (both empty). */
export function scopeFields(scope: string): { cameraId: string; areaId?: string } {
  return scope.startsWith(AREA_PREFIX) ? { cameraId: "", areaId: scope.slice(AREA_PREFIX.length) } : { cameraId: scope };
}
