/**
 * Zone occupancy: which confirmed tracks are in each zone now, and the enter
 * and leave events with each stay's dwell time. Pure and synchronous; time
 * comes from the caller.
 *
 * - A track is tested on its foot point (bottom-centre of its box), only in
 *   frames where it was matched (never on a predicted box) and once confirmed.
 * - Hysteresis: within a band around the border (a fraction of the person's
 *   box height, at least `minBand`) the track keeps its previous state, so a
 *   person standing on the border enters once and never flickers.
 * - A track first seen inside (confirmed while in the zone) enters at that frame.
 * - A track lost while inside (the tracker gave up on it) leaves at the time
 *   it was last matched, with dwell up to then: the seconds the tracker waits
 *   before giving up are not counted as waiting. It is counted as in the zone
 *   until then (a person briefly hidden in a queue still occupies it).
 * - A person who leaves and comes back with the same track enters again: each
 *   stay is one enter, one leave and one dwell.
 */
import type { Track } from "../track/track-types.ts";
import type { CountEvent, CountReason, Zone, ZoneLive } from "../count/count-types.ts";
import { boxPoint } from "../track/box-math.ts";
import { zoneSideOf } from "./zone-geometry.ts";

/** Tuning of {@link ZoneOccupancy}. */
export interface ZoneOccupancyConfig {
  /** Half-width of the border band as a fraction of the box height. Default 0.1 (as the line dead band). */
  readonly band?: number;
  /** Smallest half-width of the band, normalized units. Default 0.004. */
  readonly minBand?: number;
}

interface Stay {
  readonly enteredAtMs: number;
  lastSeenMs: number;
}

/** Tracks the occupancy of a camera's zones over one session. */
export class ZoneOccupancy {
  readonly #band: number;
  readonly #minBand: number;
  #zones: readonly Zone[];
  /** zone id -> track id -> its current stay. */
  readonly #stays = new Map<string, Map<number, Stay>>();

  constructor(zones: readonly Zone[], config: ZoneOccupancyConfig = {}) {
    this.#band = config.band ?? 0.1;
    this.#minBand = config.minBand ?? 0.004;
    if (!(this.#band >= 0) || !(this.#minBand >= 0)) throw new RangeError("ZoneOccupancyConfig bands must be >= 0");
    this.#zones = zones;
    for (const z of zones) this.#stays.set(z.id, new Map());
  }

  /**
   * Replaces the zones. A zone whose id and points are unchanged keeps its
   * occupants; the occupants of a removed or reshaped zone are dropped
   * without a leave event (the zone they were in no longer exists as it was).
   */
  setZones(zones: readonly Zone[]): void {
    const kept = new Map<string, Map<number, Stay>>();
    for (const z of zones) {
      const old = this.#zones.find((o) => o.id === z.id);
      const same = old !== undefined && samePoints(old.points, z.points);
      kept.set(z.id, same ? this.#stays.get(z.id)! : new Map());
    }
    this.#zones = zones;
    this.#stays.clear();
    for (const [id, m] of kept) this.#stays.set(id, m);
  }

  /** Tests one track in this frame; appends any enter or leave to `events`. */
  observe(track: Track, timeMs: number, events: CountEvent[]): void {
    if (!track.confirmed || track.misses > 0) return;
    const foot = boxPoint(track.box, 0.5, 1);
    const band = Math.max(this.#minBand, this.#band * track.box.height);
    for (const zone of this.#zones) {
      const stays = this.#stays.get(zone.id)!;
      const stay = stays.get(track.id);
      const side = zoneSideOf(zone.points, foot, band);
      if (stay) {
        if (side === "out") {
          stays.delete(track.id);
          events.push(leave(zone.id, track.id, timeMs, timeMs - stay.enteredAtMs));
        } else stay.lastSeenMs = timeMs;
      } else if (side === "in") {
        stays.set(track.id, { enteredAtMs: timeMs, lastSeenMs: timeMs });
        events.push({ kind: "zone_enter", trackId: track.id, timeMs, zoneId: zone.id });
      }
    }
  }

  /** A track is gone for good: it leaves every zone it was in, at the time it was last seen there. */
  lose(trackId: number, events: CountEvent[]): void {
    for (const [zoneId, stays] of this.#stays) {
      const stay = stays.get(trackId);
      if (!stay) continue;
      stays.delete(trackId);
      events.push(leave(zoneId, trackId, stay.lastSeenMs, stay.lastSeenMs - stay.enteredAtMs));
    }
  }

  /** Every occupant leaves now (the session ended), with `reason`. */
  close(timeMs: number, reason: CountReason, events: CountEvent[]): void {
    for (const [zoneId, stays] of this.#stays) {
      for (const [trackId, stay] of stays) events.push({ ...leave(zoneId, trackId, timeMs, timeMs - stay.enteredAtMs), reason });
      stays.clear();
    }
  }

  /** Track ids in any zone (so the caller can lose those the tracker dropped silently). */
  occupants(): Set<number> {
    const ids = new Set<number>();
    for (const stays of this.#stays.values()) for (const id of stays.keys()) ids.add(id);
    return ids;
  }

  /** Each zone's occupancy and longest current stay as of `timeMs`, in zone order. */
  live(timeMs: number): ZoneLive[] {
    return this.#zones.map((z) => {
      const stays = [...this.#stays.get(z.id)!.values()];
      const longestWaitMs = stays.reduce((m, s) => Math.max(m, timeMs - s.enteredAtMs), 0);
      return { zoneId: z.id, occupancy: stays.length, longestWaitMs };
    });
  }
}

function leave(zoneId: string, trackId: number, timeMs: number, dwellMs: number): CountEvent {
  return { kind: "zone_leave", trackId, timeMs, zoneId, dwellMs: Math.max(0, dwellMs) };
}

function samePoints(a: readonly { x: number; y: number }[], b: readonly { x: number; y: number }[]): boolean {
  return a.length === b.length && a.every((p, i) => p.x === b[i]!.x && p.y === b[i]!.y);
}
