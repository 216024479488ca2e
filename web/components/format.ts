/** Small display formatters shared by both pages. */

/** "3 s ago", "4 min ago", "2 h ago"; "never" for 0/unknown. */
export function formatAgo(ageMs: number | null): string {
  if (ageMs === null || !Number.isFinite(ageMs)) return "never";
  const seconds = Math.max(0, Math.round(ageMs / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** Seconds until a moment, rounded up, never negative. */
export function secondsUntil(atMs: number | null, nowMs: number): number {
  return atMs === null ? 0 : Math.max(0, Math.ceil((atMs - nowMs) / 1000));
}

/** One decimal, e.g. frames per second. */
export function formatRate(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/** A millisecond figure rounded to an integer. */
export function formatMs(value: number): string {
  return String(Math.round(value));
}
