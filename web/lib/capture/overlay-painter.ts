/**
 * Draws what the server saw over the live preview: people boxes with their
 * track ids, and the counting line with its "in" arrow.
 */

import type { CountingLine, Person } from "@headcount/proto/types";
import { inArrow } from "./line-geometry.ts";
import { placeLabels } from "./overlay-labels.ts";
import { NAMED_LINE_COLOR, paintLabel, paintZones, type PlaceScene } from "./place-painter.ts";

/** What one overlay frame shows. */
export interface OverlayScene {
  /** People of the latest processed ack (normalized boxes). */
  readonly people: readonly Person[];
  /** The camera's saved line, or null. */
  readonly line: CountingLine | null;
  /** The line being edited (drawn instead of the saved one), or null. */
  readonly draft: CountingLine | null;
  /** The camera's named lines and zones (painted under the people), with live zone figures. */
  readonly places?: PlaceScene;
}

/** A tracked person (confirmed, with an id; counted). The page's legend uses the same colours. */
export const BOX_COLOR = "#22d3ee";
/** A detection not yet confirmed as a person (no id yet; not counted until confirmed). */
export const TENTATIVE_COLOR = "#fbbf24";
const LABEL_HEIGHT = 16;
const LINE_COLOR = "#f43f5e";
const DRAFT_COLOR = "#a3e635";

/**
 * Sizes the canvas backing store to its CSS box (times devicePixelRatio, for
 * crisp lines) and paints the scene. Returns silently while the canvas has no size.
 */
export function paintOverlay(canvas: HTMLCanvasElement, scene: OverlayScene): void {
  const ratio = typeof window === "undefined" ? 1 : window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth;
  const cssHeight = canvas.clientHeight;
  if (cssWidth === 0 || cssHeight === 0) return;
  const width = Math.round(cssWidth * ratio);
  const height = Math.round(cssHeight * ratio);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext("2d");
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, cssWidth, cssHeight);
  if (scene.places) paintZones(context, scene.places, cssWidth, cssHeight);
  for (const named of scene.places?.lines ?? []) {
    if (!named.line) continue;
    paintLine(context, named.line, cssWidth, cssHeight, NAMED_LINE_COLOR);
    context.font = "600 12px system-ui, sans-serif";
    paintLabel(context, named.name, ((named.line.ax + named.line.bx) / 2) * cssWidth, ((named.line.ay + named.line.by) / 2) * cssHeight, NAMED_LINE_COLOR);
  }
  paintPeople(context, scene.people, cssWidth, cssHeight);
  const line = scene.draft ?? scene.line;
  if (line) paintLine(context, line, cssWidth, cssHeight, scene.draft ? DRAFT_COLOR : LINE_COLOR);
}

function paintPeople(context: CanvasRenderingContext2D, people: readonly Person[], width: number, height: number): void {
  context.font = "600 12px system-ui, sans-serif";
  context.lineWidth = 2;
  const boxes = people.map((person) => {
    const label = person.trackId > 0 ? `#${person.trackId} ${Math.round(person.score * 100)}%` : `${Math.round(person.score * 100)}%`;
    return {
      person,
      label,
      x: person.x * width,
      y: person.y * height,
      width: person.width * width,
      height: person.height * height,
      labelWidth: context.measureText(label).width + 8,
    };
  });
  for (const box of boxes) {
    context.strokeStyle = box.person.trackId > 0 ? BOX_COLOR : TENTATIVE_COLOR;
    context.strokeRect(box.x, box.y, box.width, box.height);
  }
  // Labels after every box, placed inside the picture and apart from each other.
  const spots = placeLabels(boxes, width, height, LABEL_HEIGHT);
  boxes.forEach((box, index) => {
    const spot = spots[index]!;
    context.fillStyle = box.person.trackId > 0 ? BOX_COLOR : TENTATIVE_COLOR;
    context.fillRect(spot.x, spot.y, box.labelWidth, LABEL_HEIGHT);
    context.fillStyle = "#0f172a";
    context.fillText(box.label, spot.x + 4, spot.y + 12);
  });
}

function paintLine(
  context: CanvasRenderingContext2D,
  line: CountingLine,
  width: number,
  height: number,
  color: string,
): void {
  context.strokeStyle = color;
  context.fillStyle = color;
  context.lineWidth = 3;
  context.setLineDash([]);
  context.beginPath();
  context.moveTo(line.ax * width, line.ay * height);
  context.lineTo(line.bx * width, line.by * height);
  context.stroke();
  for (const [px, py] of [
    [line.ax, line.ay],
    [line.bx, line.by],
  ] as const) {
    context.beginPath();
    context.arc(px * width, py * height, 5, 0, Math.PI * 2);
    context.fill();
  }
  const arrow = inArrow(line, width, height, Math.max(24, Math.min(width, height) * 0.08));
  context.lineWidth = 2;
  context.beginPath();
  context.moveTo(arrow.from.x, arrow.from.y);
  context.lineTo(arrow.to.x, arrow.to.y);
  context.stroke();
  const angle = Math.atan2(arrow.to.y - arrow.from.y, arrow.to.x - arrow.from.x);
  context.beginPath();
  context.moveTo(arrow.to.x, arrow.to.y);
  context.lineTo(arrow.to.x - 10 * Math.cos(angle - 0.5), arrow.to.y - 10 * Math.sin(angle - 0.5));
  context.lineTo(arrow.to.x - 10 * Math.cos(angle + 0.5), arrow.to.y - 10 * Math.sin(angle + 0.5));
  context.closePath();
  context.fill();
  context.font = "700 13px system-ui, sans-serif";
  context.fillText("IN", arrow.to.x + 6 * Math.cos(angle) - 8, arrow.to.y + 14 * Math.sin(angle) + 4);
}
