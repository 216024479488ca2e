import type { NewEvent, SeriesPoint, StoredTotals } from "../store/store.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Counts of the events stored in a period, and where it starts. */
export interface PeriodTotals extends StoredTotals {
  /** Start of the period, Unix ms. */
  readonly fromMs: number;
}

/** Local midnight, at a fixed offset from UTC in minutes (UTC+1 is 60), of the day holding `nowMs`. */
export function localDayStart(nowMs: number, utcOffsetMinutes: number): number {
  const offsetMs = utcOffsetMinutes * MINUTE_MS;
  return Math.floor((nowMs + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
}

/**
 * A camera's stored counts per minute of the last day (and any later,
 * future-dated ones), in memory: the same minute buckets the store keeps,
 * fed with the same events in the same step as the camera's totals. So
 * "today" and the totals are read from one state at one moment and can never
 * disagree (before, "today" was a history query repeated at most every 5 s,
 * which lagged the live totals). Any viewer's local midnight is less than a
 * day ago, so a day of minutes is all "today" needs.
 */
export class RecentMinutes {
  /** minute (floor(time / 60 s)) -> entered, exited, crossed in, crossed out. */
  readonly #minutes = new Map<number, [number, number, number, number]>();

  /** Replaces the minutes with stored buckets (`SeriesPoint`s of minute width): read at start, or again when another replica stored events. */
  load(points: readonly SeriesPoint[]): void {
    this.#minutes.clear();
    for (const p of points) this.#add(Math.floor(p.startMs / MINUTE_MS), [p.entered, p.exited, p.crossedIn, p.crossedOut]);
  }

  /** Adds a batch of stored events (a reset changes no minute: "today" counts across it). */
  record(events: readonly NewEvent[], nowMs: number): void {
    for (const e of events) {
      const column = COLUMN[e.kind];
      if (column === undefined) continue;
      const counts: [number, number, number, number] = [0, 0, 0, 0];
      counts[column] = 1;
      this.#add(Math.floor(e.timeMs / MINUTE_MS), counts);
    }
    const oldest = Math.floor((nowMs - DAY_MS) / MINUTE_MS) - 1;
    for (const minute of this.#minutes.keys()) if (minute < oldest) this.#minutes.delete(minute);
  }

  /** Counts of the events in [fromMs, fromMs + 1 day); `fromMs` is a whole minute. */
  day(fromMs: number): PeriodTotals {
    const from = Math.ceil(fromMs / MINUTE_MS);
    const to = from + DAY_MS / MINUTE_MS;
    const t = [0, 0, 0, 0];
    for (const [minute, counts] of this.#minutes) {
      if (minute < from || minute >= to) continue;
      for (let i = 0; i < 4; i++) t[i]! += counts[i]!;
    }
    return { fromMs, entered: t[0]!, exited: t[1]!, crossedIn: t[2]!, crossedOut: t[3]! };
  }

  #add(minute: number, counts: readonly number[]): void {
    let m = this.#minutes.get(minute);
    if (!m) this.#minutes.set(minute, (m = [0, 0, 0, 0]));
    for (let i = 0; i < 4; i++) m[i]! += counts[i]!;
  }
}

const COLUMN: Partial<Record<NewEvent["kind"], 0 | 1 | 2 | 3>> = { entry: 0, exit: 1, cross_in: 2, cross_out: 3 };
