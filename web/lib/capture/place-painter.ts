/**
 * Paints a camera's zones over a picture, each as a polygon tinted by how
 * many people are in it now, and the labels of zones and named lines (the
 * lines themselves, with their "in" arrows, are painted by overlay-painter.ts).
 */

import type { NamedLine, Zone, ZoneCounts } from "@headcount/proto/types";
import type { Point } from "./line-geometry.ts";

/** What to paint. */
export interface PlaceScene {
  readonly lines: readonly NamedLine[];
  readonly zones: readonly Zone[];
  /** Live figures of the zones (from the latest ack), to tint occupied ones. */
  readonly zoneCounts?: readonly ZoneCounts[];
  /** A zone being drawn: its points so far. */
  readonly draftZone?: readonly Point[] | null;
}

const ZONE_COLOR = "56, 189, 248";
const OCCUPIED_COLOR = "249, 115, 22";
/** The colour of named lines (overlay-painter.ts paints them). */
export const NAMED_LINE_COLOR = "#e879f9";
const DRAFT_COLOR = "#a3e635";

/** The fill opacity of a zone with `occupancy` people in it: faint when empty, stronger with each person (capped). */
export function zoneTint(occupancy: number): number {
  return occupancy <= 0 ? 0.12 : Math.min(0.55, 0.25 + 0.1 * occupancy);
}

/** Paints the scene on a context already scaled to CSS pixels of `width` x `height`. */
export function paintZones(context: CanvasRenderingContext2D, scene: PlaceScene, width: number, height: number): void {
  context.font = "600 12px system-ui, sans-serif";
  for (const zone of scene.zones) {
    const occupancy = scene.zoneCounts?.find((z) => z.zoneId === zone.id)?.occupancy ?? 0;
    const rgb = occupancy > 0 ? OCCUPIED_COLOR : ZONE_COLOR;
    polygon(context, zone.points, width, height);
    context.fillStyle = `rgba(${rgb}, ${zoneTint(occupancy)})`;
    context.fill();
    context.strokeStyle = `rgb(${rgb})`;
    context.lineWidth = 2;
    context.stroke();
    const top = zone.points.reduce((best, p) => (p.y < best.y ? p : best), zone.points[0] ?? { x: 0, y: 0 });
    paintLabel(context, occupancy > 0 ? `${zone.name}: ${occupancy}` : zone.name, top.x * width, top.y * height, `rgb(${rgb})`);
  }
  const draft = scene.draftZone;
  if (draft && draft.length > 0) {
    polygon(context, draft, width, height, draft.length < 3);
    context.strokeStyle = DRAFT_COLOR;
    context.lineWidth = 2;
    context.setLineDash([6, 4]);
    context.stroke();
    context.setLineDash([]);
    context.fillStyle = DRAFT_COLOR;
    for (const p of draft) {
      context.beginPath();
      context.arc(p.x * width, p.y * height, 4, 0, Math.PI * 2);
      context.fill();
    }
  }
}

function polygon(context: CanvasRenderingContext2D, points: readonly Point[], width: number, height: number, open = false): void {
  context.beginPath();
  points.forEach((p, i) => (i === 0 ? context.moveTo(p.x * width, p.y * height) : context.lineTo(p.x * width, p.y * height)));
  if (!open) context.closePath();
}

/** A name tag centred above (x, y), kept inside the canvas. */
export function paintLabel(context: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): void {
  const w = context.measureText(text).width + 8;
  const left = Math.max(0, Math.min(x - w / 2, context.canvas.clientWidth - w));
  const top = Math.max(0, y - 18);
  context.fillStyle = color;
  context.fillRect(left, top, w, 16);
  context.fillStyle = "#0f172a";
  context.fillText(text, left + 4, top + 12);
}
