/**
 * Crossings of one named counting line by the tracks of one session: the
 * rules of `people-counter.ts` (anchor point, dead band scaled to the box,
 * every crossing or one per direction, crossings of tentative tracks held
 * until confirmation). Pure and synchronous; a camera has one per line.
 */
import type { Track } from "../track/track-types.ts";
import type { Point } from "../track/box-math.ts";
import type { CountEvent, NamedLine } from "./count-types.ts";
import { boxPoint } from "../track/box-math.ts";
import { crossesSegment, inSide, lineLength, sideOf } from "./line-crossing.ts";

/** How a line counter decides a crossing. */
export interface LineRules {
  readonly anchor: { readonly x: number; readonly y: number };
  readonly deadBand: number;
  readonly minDeadBand: number;
  readonly everyCrossing: boolean;
}

interface SideMemory {
  /** Last side the anchor was clearly on, and where. */
  side: "left" | "right" | undefined;
  at: Point | undefined;
  countedIn: boolean;
  countedOut: boolean;
  /** Crossings made while tentative, counted on confirmation. */
  pending: CountEvent[];
}

/** Counts the crossings of one line. */
export class LineCounter {
  readonly #memory = new Map<number, SideMemory>();

  constructor(
    readonly named: NamedLine,
    private readonly rules: LineRules,
  ) {}

  /** Tests one track's move in this frame; a crossing of a confirmed track is appended to `events`. */
  observe(track: Track, timeMs: number, events: CountEvent[]): void {
    let m = this.#memory.get(track.id);
    if (m === undefined) {
      m = { side: undefined, at: undefined, countedIn: false, countedOut: false, pending: [] };
      this.#memory.set(track.id, m);
    }
    const line = this.named.line;
    if (lineLength(line) === 0 || track.misses > 0) return;
    const { anchor, deadBand, minDeadBand, everyCrossing } = this.rules;
    const p = boxPoint(track.box, anchor.x, anchor.y);
    const side = sideOf(line, p, Math.max(minDeadBand, deadBand * track.box.height));
    if (side === "on") return;
    if (m.side !== undefined && m.at !== undefined && side !== m.side && crossesSegment(line, m.at, p)) {
      const isIn = side === inSide(line);
      if (everyCrossing || (isIn ? !m.countedIn : !m.countedOut)) {
        if (isIn) m.countedIn = true;
        else m.countedOut = true;
        const event: CountEvent = { kind: isIn ? "cross_in" : "cross_out", trackId: track.id, timeMs, lineId: this.named.id };
        if (track.confirmed) events.push(event);
        else m.pending.push(event);
      }
    }
    m.side = side;
    m.at = p;
  }

  /** The crossings a track made while tentative, now that it is confirmed (given once). */
  confirm(trackId: number): CountEvent[] {
    return this.#memory.get(trackId)?.pending.splice(0) ?? [];
  }

  /** Forgets tracks no longer alive. */
  keepOnly(alive: ReadonlySet<number>): void {
    for (const id of this.#memory.keys()) if (!alive.has(id)) this.#memory.delete(id);
  }
}
