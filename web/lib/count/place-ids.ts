/**
 * Naming of new lines and zones on the camera page: a stable id made from
 * the first name (the server wants 1 to 32 characters of a-z, 0-9 and '-',
 * unique among the camera's lines and zones); renaming later keeps the id.
 */

/** The most lines, and the most zones, a camera may have (the server's limit). */
export const MAX_PLACES_EACH = 8;
/** Points of a zone. */
export const MIN_ZONE_POINTS = 3;
export const MAX_ZONE_POINTS = 12;

/** An id for `name` not in `taken`: its letters and digits, lowercased, dashes between; a number added when needed. */
export function placeIdFor(name: string, taken: ReadonlySet<string>, fallback: string): string {
  const base = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 28) || fallback;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Seconds as "45 s", "3 min 20 s" or "1 h 05 min", for waits and dwell times. */
export function formatWait(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}
