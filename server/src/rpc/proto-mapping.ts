import type { Camera } from "@headcount/proto/count";
import type { CountingLine, Counts, NamedLine as ProtoNamedLine, Zone as ProtoZone } from "@headcount/proto/types";
import type { CameraView } from "../camera/camera-registry.ts";
import type { CountTotals, Line, Places } from "../count/count-types.ts";
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

/** Domain lines and zones -> wire. */
export function toProtoPlaces(places: Places): { lines: ProtoNamedLine[]; zones: ProtoZone[] } {
  return {
    lines: places.lines.map((l) => ({ id: l.id, name: l.name, line: toProtoLine(l.line) })),
    zones: places.zones.map((z) => ({ id: z.id, name: z.name, points: z.points.map((p) => ({ x: p.x, y: p.y })) })),
  };
}

/** Wire lines and zones -> domain; each line checked as by SetCountingLine (the store checks the rest, see places-check.ts). */
export function fromProtoPlaces(lines: readonly ProtoNamedLine[], zones: readonly ProtoZone[]): Places {
  return {
    lines: lines.map((l) => {
      if (!l.line) throw new DomainError("INVALID_ARGUMENT", `line "${l.id}" has no geometry`);
      try {
        return { id: l.id, name: l.name.trim(), line: fromProtoLine(l.line) };
      } catch (err) {
        throw err instanceof DomainError ? new DomainError(err.code, `line "${l.id}": ${err.message}`) : err;
      }
    }),
    zones: zones.map((z) => ({ id: z.id, name: z.name.trim(), points: z.points.map((p) => ({ x: p.x, y: p.y })) })),
  };
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
    ...toProtoPlaces(c.places),
    lineCounts: c.lineCounts.map((l) => ({ ...l })),
    zoneCounts: c.zoneCounts.map((z) => ({ ...z })),
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
