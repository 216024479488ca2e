/**
 * When an area's day starts: the most recent moment the wall clock of its
 * time zone read the reset time (default 04:00). Pure: time is an argument.
 *
 * Daylight saving follows the "compatible" rule of JavaScript's Temporal:
 * a reset time the clock skips (02:30 on a spring-forward night) happens as
 * many minutes after the jump as it would have been (03:30 new time, the
 * same instant as 02:30 old time); a reset time the clock shows twice (01:30
 * on a fall-back night) happens at its first showing. So the area's day that
 * contains a change is 23 or 25 hours long, and every crossing of it counts
 * exactly once: none is dropped or counted twice by the clock moving.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Minutes after local midnight of the default daily reset (04:00). */
export const DEFAULT_RESET_MINUTE = 4 * 60;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone name this runtime knows (e.g. "Europe/Berlin", "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in ms (UTC+1 is 3,600,000). */
export function zoneOffsetMs(timeZone: string, atMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(atMs))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(atMs / 1000) * 1000;
}

/** The local calendar date at an instant, as a UTC-midnight ms (only its date matters). */
function localDate(timeZone: string, atMs: number): number {
  const wall = atMs + zoneOffsetMs(timeZone, atMs);
  return wall - (((wall % DAY) + DAY) % DAY);
}

/**
 * The instant a local wall-clock time happens on a local date (`dateUtcMs`:
 * the date at UTC midnight), disambiguated as described in the module comment.
 */
export function localTimeToInstant(timeZone: string, dateUtcMs: number, minuteOfDay: number): number {
  const wall = dateUtcMs + minuteOfDay * MINUTE;
  // Offsets a day apart bracket at most one change (zones change at most twice a year).
  const before = zoneOffsetMs(timeZone, wall - DAY);
  const after = zoneOffsetMs(timeZone, wall + DAY);
  const valid = [wall - before, wall - after].filter((t) => zoneOffsetMs(timeZone, t) + t === wall);
  if (valid.length > 0) return Math.min(...valid);
  // In the gap: as far past the jump as the time is past its start, i.e. the old offset's reading.
  return wall - before;
}

/**
 * The start of the area's current day at `nowMs`: the latest instant not
 * after `nowMs` at which the local time of `timeZone` was `resetMinute`.
 */
export function dailyResetBefore(nowMs: number, resetMinute: number, timeZone: string): number {
  let date = localDate(timeZone, nowMs);
  for (let i = 0; i < 3; i++, date -= DAY) {
    const at = localTimeToInstant(timeZone, date, resetMinute);
    if (at <= nowMs) return at;
  }
  return localTimeToInstant(timeZone, date, resetMinute);
}

/** The next daily reset after `nowMs` (when to refresh an area's counts). */
export function dailyResetAfter(nowMs: number, resetMinute: number, timeZone: string): number {
  let date = localDate(timeZone, nowMs);
  for (let i = 0; i < 3; i++, date += DAY) {
    const at = localTimeToInstant(timeZone, date, resetMinute);
    if (at > nowMs) return at;
  }
  return localTimeToInstant(timeZone, date, resetMinute);
}
