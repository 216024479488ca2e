/**
 * How the count page orders, filters and groups many cameras. Pure.
 */

import type { Area } from "@headcount/proto/area";
import type { Camera } from "@headcount/proto/count";

/** The sort choices of the count page. */
export type CameraSort = "name" | "people" | "offline";

/** The layout choices: tiles, one table row per camera, or by count (tiles up to {@link TABLE_FROM} cameras). */
export type BoardLayoutChoice = "auto" | "tiles" | "table";

/** From this many cameras the automatic layout is the table. */
export const TABLE_FROM = 13;

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

/** Compares names as people read them: "Camera 2" before "Camera 10", case ignored. */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

function label(c: Camera): string {
  return c.name || c.cameraId;
}

/** Sorts cameras by the choice; ties by name, then id (so rows do not jump). */
export function sortCamerasBy(cameras: readonly Camera[], sort: CameraSort): Camera[] {
  const byName = (a: Camera, b: Camera) => naturalCompare(label(a), label(b)) || naturalCompare(a.cameraId, b.cameraId);
  const first = (a: Camera, b: Camera): number => {
    if (sort === "people") return (b.counts?.inView ?? 0) - (a.counts?.inView ?? 0);
    if (sort === "offline") return Number(a.online) - Number(b.online);
    return 0;
  };
  return [...cameras].sort((a, b) => first(a, b) || byName(a, b));
}

/** The cameras whose name or id contains the query (case and repeated spaces ignored): "camera 7" finds Camera 7 and 70-79, not 17. */
export function filterCameras(cameras: readonly Camera[], query: string): Camera[] {
  const q = query.toLowerCase().replace(/\s+/g, " ").trim();
  if (!q) return [...cameras];
  return cameras.filter((c) => c.name.toLowerCase().replace(/\s+/g, " ").includes(q) || c.cameraId.toLowerCase().includes(q));
}

/** Whether the table is shown, for a choice and a number of cameras. */
export function showsTable(choice: BoardLayoutChoice, cameraCount: number): boolean {
  return choice === "table" || (choice === "auto" && cameraCount >= TABLE_FROM);
}

/** A section of the board: an area and its cameras, or the cameras in no area (area null). */
export interface CameraSection {
  readonly area: Area | null;
  readonly cameras: readonly Camera[];
}

/**
 * The board's sections: one per area with its entrance cameras (in the
 * given order), then the cameras in no area. A camera at the doors of two
 * areas is in both. Areas with no camera left after filtering are kept
 * (their inside-now still matters); "other cameras" only when it has some.
 */
export function sectionsOf(cameras: readonly Camera[], areas: readonly Area[]): CameraSection[] {
  const inArea = new Set<string>();
  const sections: CameraSection[] = areas.map((area) => {
    const ids = new Set(area.settings?.entrances.map((e) => e.cameraId) ?? []);
    for (const id of ids) inArea.add(id);
    return { area, cameras: cameras.filter((c) => ids.has(c.cameraId)) };
  });
  const rest = cameras.filter((c) => !inArea.has(c.cameraId));
  if (rest.length > 0 || sections.length === 0) sections.push({ area: null, cameras: rest });
  return sections;
}

/** The summary strip's figures over every camera. */
export interface BoardSummary {
  readonly online: number;
  readonly total: number;
  readonly inView: number;
  readonly enteredToday: number;
}

/** Sums for the summary strip. */
export function summarize(cameras: readonly Camera[]): BoardSummary {
  let online = 0;
  let inView = 0;
  let enteredToday = 0;
  for (const c of cameras) {
    if (c.online) online++;
    inView += c.counts?.inView ?? 0;
    enteredToday += c.today?.entered ?? 0;
  }
  return { online, total: cameras.length, inView, enteredToday };
}

/** Merges a changes-only message into the cameras known (by id); new cameras are added. */
export function mergeCameras(known: readonly Camera[], changed: readonly Camera[]): Camera[] {
  const byId = new Map(known.map((c) => [c.cameraId, c]));
  for (const c of changed) byId.set(c.cameraId, c);
  return [...byId.values()];
}
