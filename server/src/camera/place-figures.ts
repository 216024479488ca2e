/**
 * A camera's lines and zones as the count page and the acks see them: their
 * geometry and stored counts (mirrored from the store, which is the truth)
 * plus each zone's live occupancy and longest wait from the latest frame.
 */
import type { NamedLine, Places, Zone, ZoneLive } from "../count/count-types.ts";
import type { PlaceTotals, StoredCamera } from "../store/store.ts";

/** A line's counts, as acks and the count page carry them. */
export interface LineCountsView {
  readonly lineId: string;
  readonly crossedIn: number;
  readonly crossedOut: number;
}

/** A zone's figures, as acks and the count page carry them. */
export interface ZoneCountsView {
  readonly zoneId: string;
  readonly occupancy: number;
  readonly entered: number;
  readonly left: number;
  readonly longestWaitMs: number;
}

/** Live zone figures older than this are no longer shown (as for people in view: the sender stopped). */
const LIVE_FRESH_MS = 3_000;

/** One camera's places and their figures. */
export class PlaceFigures {
  /** The geometry, replaced as a whole on every change (so identity tells a change). */
  places: Places = { lines: [], zones: [] };
  #totals: PlaceTotals = { lines: [], zones: [] };
  #live: { zones: readonly ZoneLive[]; atMs: number } | null = null;

  /** `occupancyChanged` is told when the people in a zone change (the count page and MQTT follow). */
  constructor(private readonly occupancyChanged: () => void = () => {}) {}

  /** Takes the stored lines, zones and counts (the geometry object changes only when the geometry did). */
  load(stored: StoredCamera): void {
    const lines: NamedLine[] = stored.lines.map((l) => ({ id: l.id, name: l.name, line: l.line }));
    const zones: Zone[] = stored.zones.map((z) => ({ id: z.id, name: z.name, points: z.points }));
    if (JSON.stringify({ lines, zones }) !== JSON.stringify(this.places)) this.places = { lines, zones };
    this.#totals = {
      lines: stored.lines.map((l) => ({ lineId: l.id, crossedIn: l.crossedIn, crossedOut: l.crossedOut })),
      zones: stored.zones.map((z) => ({ zoneId: z.id, entered: z.entered, left: z.left })),
    };
  }

  /** Counts the store returned after an append. */
  applyStored(totals: PlaceTotals): void {
    this.#totals = totals;
  }

  /** A processed frame's zone figures. */
  applyLive(zones: readonly ZoneLive[], nowMs: number): void {
    const before = this.#live?.zones ?? [];
    this.#live = { zones, atMs: nowMs };
    if (zones.some((z) => z.occupancy !== (before.find((b) => b.zoneId === z.zoneId)?.occupancy ?? 0))) this.occupancyChanged();
  }

  /** A session ended: its occupants are gone. */
  clearLive(): void {
    const occupied = this.#live?.zones.some((z) => z.occupancy > 0) ?? false;
    this.#live = null;
    if (occupied) this.occupancyChanged();
  }

  /** Each line's and zone's figures as of `nowMs`, in the camera's order. */
  counts(nowMs: number): { lineCounts: LineCountsView[]; zoneCounts: ZoneCountsView[] } {
    const live = this.#live && nowMs - this.#live.atMs <= LIVE_FRESH_MS ? this.#live.zones : [];
    return {
      lineCounts: this.places.lines.map((l) => {
        const t = this.#totals.lines.find((x) => x.lineId === l.id);
        return { lineId: l.id, crossedIn: t?.crossedIn ?? 0, crossedOut: t?.crossedOut ?? 0 };
      }),
      zoneCounts: this.places.zones.map((z) => {
        const t = this.#totals.zones.find((x) => x.zoneId === z.id);
        const l = live.find((x) => x.zoneId === z.id);
        return { zoneId: z.id, occupancy: l?.occupancy ?? 0, entered: t?.entered ?? 0, left: t?.left ?? 0, longestWaitMs: l?.longestWaitMs ?? 0 };
      }),
    };
  }
}
