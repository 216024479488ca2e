/**
 * The people counter: turns tracker updates into running totals and events.
 * Pure and synchronous, no I/O; time comes from the updates.
 *
 * - entered: a track counts once, in the frame the tracker confirms it.
 * - exited: a counted track counts once, in the frame the tracker reports it
 *   lost, or when the session ends with it still there (`close`).
 * - inView: confirmed tracks seen recently (at most `visibleMaxMisses` missed
 *   frames) and tentative tracks seen in this frame, then the median of the
 *   last `inViewWindow` frames (so a one-frame box never shows).
 * - crossings: a track's anchor point (bottom-centre by default) changes side
 *   of the line, beyond a dead band, and the move passes between a and b.
 *   Every such change counts (the dead band is the hysteresis: a side counts
 *   only once the anchor is clearly off the line, so jitter while standing on
 *   it never does); `everyCrossing: false` counts at most one per direction
 *   per track instead. A crossing made while the
 *   track is still tentative is held and counted when it is confirmed (fast
 *   walkers at low fps cross before confirmation); if it never is, it never
 *   counts. Only matched positions are used, never predicted ones.
 *
 * Side and direction conventions are those of `line-crossing.ts`. A camera
 * may have several named lines (each counted by a `LineCounter`, crossings
 * carry the line's id; the camera's crossed totals are over all its lines)
 * and zones (`zones/zone-occupancy.ts`: enter, leave and dwell).
 */
import type { TrackUpdate } from "../track/track-types.ts";
import type { CountEvent, CountResult, CountTotals, Counter, Line, NamedLine, Places } from "./count-types.ts";
import { DEFAULT_LINE_ID } from "./count-types.ts";
import { sameLine } from "./line-crossing.ts";
import { LineCounter, type LineRules } from "./line-counter.ts";
import { ZoneOccupancy } from "../zones/zone-occupancy.ts";

/** Tuning of {@link createPeopleCounter}; every field is optional. */
export interface PeopleCounterConfig {
  /** Totals to continue from (after a restart). entered/exited/crossed continue; inView always starts at 0. */
  readonly initial?: CountTotals;
  /** A single counting line (it gets the id and name "line"); ignored when `places` is given. Default none. */
  readonly line?: Line | null;
  /** The camera's named lines and zones. Default none. */
  readonly places?: Places;
  /** The point of a box that crosses the line, as fractions of its size. Default { x: 0.5, y: 1 } (the feet). */
  readonly anchor?: { readonly x: number; readonly y: number };
  /**
   * Half-width of the band around the line where a point is "on" it, as a
   * fraction of the person's box height, so it scales with distance from the
   * camera (feet jitter grows with the person's size in the image). Default
   * 0.1. Zones use the same band around their border.
   */
  readonly deadBand?: number;
  /** The smallest half-width of that band, normalized units (for tiny, far-away boxes). Default 0.004. */
  readonly minDeadBand?: number;
  /**
   * Count every crossing of a track, as a person counting by eye does:
   * someone walking back and forth counts each time. false counts at most one
   * per direction per track. Default true.
   */
  readonly everyCrossing?: boolean;
  /** Frames over which inView is the median. Default 5. */
  readonly inViewWindow?: number;
  /** A confirmed track still counts as in view for up to this many missed frames. Default 1. */
  readonly visibleMaxMisses?: number;
  /**
   * Count tentative tracks seen in this frame as in view. Default true: a
   * person is in view before the tracker trusts them enough to count an
   * entry (vtest F1, F21, F121, F151, F661, F721: people the detector found
   * again after a miss, or at the start, left out for the frames of their
   * confirmation; in-view MAE 0.82 -> 0.69 at 10 fps, 0.81 -> 0.57 at 5 fps).
   * The median keeps a one-frame box out.
   */
  readonly inViewTentative?: boolean;
}

/** Creates a counter. Throws RangeError on invalid config values. */
export function createPeopleCounter(config: PeopleCounterConfig = {}): Counter {
  const rules: LineRules = {
    anchor: config.anchor ?? { x: 0.5, y: 1 },
    deadBand: config.deadBand ?? 0.1,
    minDeadBand: config.minDeadBand ?? 0.004,
    everyCrossing: config.everyCrossing ?? true,
  };
  const inViewWindow = config.inViewWindow ?? 5;
  const visibleMaxMisses = config.visibleMaxMisses ?? 1;
  if (!(rules.deadBand >= 0)) throw new RangeError("PeopleCounterConfig.deadBand must be >= 0");
  if (!(rules.minDeadBand >= 0)) throw new RangeError("PeopleCounterConfig.minDeadBand must be >= 0");
  const inViewTentative = config.inViewTentative ?? true;
  if (!(Number.isInteger(inViewWindow) && inViewWindow >= 1)) throw new RangeError("PeopleCounterConfig.inViewWindow must be an integer >= 1");
  if (!(Number.isInteger(visibleMaxMisses) && visibleMaxMisses >= 0)) {
    throw new RangeError("PeopleCounterConfig.visibleMaxMisses must be an integer >= 0");
  }

  const initial = config.initial;
  const totals: CountTotals = {
    inView: 0,
    entered: initial?.entered ?? 0,
    exited: initial?.exited ?? 0,
    crossedIn: initial?.crossedIn ?? 0,
    crossedOut: initial?.crossedOut ?? 0,
  };
  const places = config.places ?? placesOfLine(config.line ?? null);
  let lines = places.lines.map((l) => new LineCounter(l, rules));
  const zones = new ZoneOccupancy(places.zones, { band: rules.deadBand, minBand: rules.minDeadBand });
  let nextPlaces: Places | undefined;
  const entered = new Set<number>();
  const recentInView: number[] = [];

  const record = (event: CountEvent, out: CountEvent[]): void => {
    if (event.kind === "entry") totals.entered += 1;
    else if (event.kind === "exit") totals.exited += 1;
    else if (event.kind === "cross_in") totals.crossedIn += 1;
    else if (event.kind === "cross_out") totals.crossedOut += 1;
    out.push(event);
  };
  const recordAll = (from: readonly CountEvent[], out: CountEvent[]) => from.forEach((e) => record(e, out));

  return {
    update(update: TrackUpdate): CountResult {
      if (nextPlaces !== undefined) {
        // A line whose id and geometry are unchanged keeps its per-track sides; others start afresh.
        const next = nextPlaces;
        lines = next.lines.map((l) => lines.find((c) => c.named.id === l.id && sameLine(c.named.line, l.line)) ?? new LineCounter(l, rules));
        zones.setZones(next.zones);
        nextPlaces = undefined;
      }
      const events: CountEvent[] = [];
      for (const id of update.confirmed) {
        if (entered.has(id)) continue;
        entered.add(id);
        record({ kind: "entry", trackId: id, timeMs: update.timeMs }, events);
        for (const line of lines) recordAll(line.confirm(id), events);
      }
      const alive = new Set<number>();
      for (const track of update.tracks) {
        alive.add(track.id);
        const found: CountEvent[] = [];
        for (const line of lines) line.observe(track, update.timeMs, found);
        zones.observe(track, update.timeMs, found);
        recordAll(found, events);
      }
      for (const track of update.lost) {
        const left: CountEvent[] = [];
        zones.lose(track.id, left);
        recordAll(left, events);
        if (!entered.delete(track.id)) continue;
        record({ kind: "exit", trackId: track.id, timeMs: update.timeMs }, events);
      }
      for (const line of lines) line.keepOnly(alive);
      // A tracker that drops a confirmed track without reporting it lost must not leak ids here.
      for (const id of entered) if (!alive.has(id)) entered.delete(id);
      for (const id of zones.occupants()) {
        if (alive.has(id)) continue;
        const left: CountEvent[] = [];
        zones.lose(id, left);
        recordAll(left, events);
      }

      const visible = update.tracks.filter((t) => (t.confirmed ? t.misses <= visibleMaxMisses : inViewTentative && t.misses === 0)).length;
      recentInView.push(visible);
      if (recentInView.length > inViewWindow) recentInView.shift();
      totals.inView = median(recentInView);
      return { totals: { ...totals }, events, zones: zones.live(update.timeMs) };
    },

    close(timeMs: number): CountResult {
      const events: CountEvent[] = [];
      const left: CountEvent[] = [];
      zones.close(timeMs, "capture_stopped", left);
      recordAll(left, events);
      for (const id of entered) record({ kind: "exit", trackId: id, timeMs, reason: "capture_stopped" }, events);
      entered.clear();
      lines = lines.map((l) => new LineCounter(l.named, rules));
      recentInView.length = 0;
      totals.inView = 0;
      return { totals: { ...totals }, events, zones: zones.live(timeMs) };
    },

    setPlaces(newPlaces: Places): void {
      nextPlaces = newPlaces;
    },
  };
}

/** The places of a camera with one line (the single line cameras had before lines were named), or none. */
export function placesOfLine(line: Line | null): Places {
  const lines: NamedLine[] = line === null ? [] : [{ id: DEFAULT_LINE_ID, name: DEFAULT_LINE_ID, line }];
  return { lines, zones: [] };
}

/** Lower median of a non-empty list of counts. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}
