/**
 * The rules a camera's lines and zones must follow, checked before they are
 * stored: the messages name the line or zone and say what is wrong, since
 * they reach the person drawing them.
 */
import type { Line, Places } from "../count/count-types.ts";
import type { Point } from "../track/box-math.ts";
import { DomainError } from "../rpc/errors.ts";

/** Most lines, and most zones, per camera. */
export const MAX_LINES = 8;
export const MAX_ZONES = 8;
/** Points of a zone's polygon. */
export const MIN_ZONE_POINTS = 3;
export const MAX_ZONE_POINTS = 12;
/** Longest line or zone name. */
export const MAX_PLACE_NAME = 80;
/** What a line or zone id looks like. */
export const PLACE_ID_PATTERN = /^[a-z0-9-]{1,32}$/;

/** Throws INVALID_ARGUMENT with a precise message when `places` breaks a rule; returns them otherwise. */
export function checkPlaces(places: Places): Places {
  if (places.lines.length > MAX_LINES) fail(`a camera has at most ${MAX_LINES} lines, got ${places.lines.length}`);
  if (places.zones.length > MAX_ZONES) fail(`a camera has at most ${MAX_ZONES} zones, got ${places.zones.length}`);
  const seen = new Set<string>();
  const checkIdAndName = (what: string, index: number, id: string, name: string) => {
    if (!PLACE_ID_PATTERN.test(id)) fail(`${what} ${index + 1} has id "${id}": an id is 1 to 32 characters of a-z, 0-9 and '-'`);
    if (seen.has(id)) fail(`${what} ${index + 1} has id "${id}", already used by another line or zone of this camera`);
    seen.add(id);
    if (!name.trim()) fail(`${what} "${id}" needs a name`);
    if (name.length > MAX_PLACE_NAME) fail(`${what} "${id}" has a name longer than ${MAX_PLACE_NAME} characters`);
  };
  places.lines.forEach((l, i) => {
    checkIdAndName("line", i, l.id, l.name);
    checkLine(`line "${l.id}"`, l.line);
  });
  places.zones.forEach((z, i) => {
    checkIdAndName("zone", i, z.id, z.name);
    const n = z.points.length;
    if (n < MIN_ZONE_POINTS || n > MAX_ZONE_POINTS) fail(`zone "${z.id}" has ${n} points; a zone has ${MIN_ZONE_POINTS} to ${MAX_ZONE_POINTS}`);
    z.points.forEach((p, j) => {
      if (!inFrame(p)) fail(`zone "${z.id}" point ${j + 1} (${p.x}, ${p.y}) is outside the frame (0..1)`);
    });
    if (Math.abs(area(z.points)) < 1e-6) fail(`zone "${z.id}" has no area (its points are on one line)`);
  });
  return places;
}

/** Rejects a line with coordinates that are not finite numbers. */
export function checkLine(what: string, line: Line): void {
  if (![line.ax, line.ay, line.bx, line.by].every(Number.isFinite)) fail(`${what} needs finite coordinates`);
}

function inFrame(p: Point): boolean {
  return Number.isFinite(p.x) && Number.isFinite(p.y) && p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1;
}

/** Signed area (shoelace). */
function area(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) sum += points[j]!.x * points[i]!.y - points[i]!.x * points[j]!.y;
  return sum / 2;
}

function fail(message: string): never {
  throw new DomainError("INVALID_ARGUMENT", message);
}
