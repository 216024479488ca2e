import type { Camera } from "@headcount/proto/count";
import type { CountingLine, Counts } from "@headcount/proto/types";
import type { CameraView } from "../camera/camera-registry.ts";
import type { CountTotals, Line } from "../count/count-types.ts";
import { DomainError } from "./errors.ts";

/** Domain line -> wire line. */
export function toProtoLine(line: Line): CountingLine {
  return { ax: line.ax, ay: line.ay, bx: line.bx, by: line.by, inSideLeft: line.inSideLeft };
}

/** Wire line -> domain line; INVALID_ARGUMENT when it is outside the frame or has no length. */
export function fromProtoLine(line: CountingLine): Line {
  const coords = [line.ax, line.ay, line.bx, line.by];
  if (!coords.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)) {
    throw new DomainError("INVALID_ARGUMENT", "line coordinates must be between 0 and 1 (fractions of the frame)");
  }
  if (Math.hypot(line.bx - line.ax, line.by - line.ay) < 0.02) {
    throw new DomainError("INVALID_ARGUMENT", "the line is too short: its two points must be at least 2% of the frame apart");
  }
  return { ax: line.ax, ay: line.ay, bx: line.bx, by: line.by, inSideLeft: line.inSideLeft };
}

/** Domain totals -> wire counts. */
export function toProtoCounts(t: CountTotals): Counts {
  return { inView: t.inView, entered: t.entered, exited: t.exited, crossedIn: t.crossedIn, crossedOut: t.crossedOut };
}

/** A camera as the count page receives it. */
export function toProtoCamera(c: CameraView): Camera {
  return {
    cameraId: c.cameraId,
    name: c.name,
    online: c.online,
    counts: toProtoCounts(c.totals),
    ackedFps: round(c.ackedFps, 1),
    latencyMs: round(c.latencyMs, 1),
    lastSeenAtMs: c.lastSeenAtMs,
    line: c.line ? toProtoLine(c.line) : undefined,
    resetAtMs: c.resetAtMs ?? 0,
    today: { ...c.today },
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
