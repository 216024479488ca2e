import type { SeriesPoint, StoredEvent } from "../store/store.ts";

/** A file made for download. */
export interface ExportFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

const EVENT_COLUMNS = ["id", "time_iso", "time_ms", "camera_id", "kind", "track_id", "reason", "line_id", "zone_id", "dwell_ms"] as const;
const SERIES_COLUMNS = ["start_iso", "start_ms", "entered", "exited", "crossed_in", "crossed_out", "stays", "dwell_median_ms", "dwell_p90_ms"] as const;

/** Quotes a CSV field when it needs it (RFC 4180), and defuses spreadsheet formulas. */
function csvField(value: string | number): string {
  let text = String(value);
  // A camera name or id starting with = + - @ would run as a formula in a spreadsheet.
  if (/^[=+\-@]/.test(text) && typeof value === "string") text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csv(header: readonly string[], rows: Array<Array<string | number>>): string {
  return [header.join(","), ...rows.map((r) => r.map(csvField).join(","))].join("\r\n") + "\r\n";
}

/** The event log as CSV or JSON, oldest first; `reason` is empty but for exits counted at a session's end. */
export function exportEvents(events: readonly StoredEvent[], format: "csv" | "json", label: string): ExportFile {
  const rows = [...events].reverse().map((e) => ({
    id: e.id,
    time_iso: new Date(e.timeMs).toISOString(),
    time_ms: e.timeMs,
    camera_id: e.cameraId,
    kind: e.kind,
    track_id: e.trackId,
    // Empty for what the frames showed; "capture_stopped" or "session_lost" for an exit counted because its session ended.
    reason: e.reason ?? "",
    // The line of a crossing, the zone of a zone event, a zone leave's dwell; empty otherwise.
    line_id: e.lineId ?? "",
    zone_id: e.zoneId ?? "",
    dwell_ms: e.dwellMs ?? "",
  }));
  return format === "csv"
    ? file(`headcount-events-${label}.csv`, "text/csv", csv(EVENT_COLUMNS, rows.map((r) => EVENT_COLUMNS.map((c) => r[c]))))
    : file(`headcount-events-${label}.json`, "application/json", JSON.stringify(rows, null, 1));
}

/**
 * A bucketed series as CSV or JSON, every bucket of the range included (zeros
 * too). For a zone, entered/exited are its stays begun and ended and the
 * dwell columns are filled; for a line, only the crossings are.
 */
export function exportSeries(points: readonly SeriesPoint[], format: "csv" | "json", label: string): ExportFile {
  const rows = points.map((p) => ({
    start_iso: new Date(p.startMs).toISOString(),
    start_ms: p.startMs,
    entered: p.entered,
    exited: p.exited,
    crossed_in: p.crossedIn,
    crossed_out: p.crossedOut,
    stays: p.stays ?? 0,
    dwell_median_ms: p.dwellMedianMs ?? 0,
    dwell_p90_ms: p.dwellP90Ms ?? 0,
  }));
  return format === "csv"
    ? file(`headcount-series-${label}.csv`, "text/csv", csv(SERIES_COLUMNS, rows.map((r) => SERIES_COLUMNS.map((c) => r[c]))))
    : file(`headcount-series-${label}.json`, "application/json", JSON.stringify(rows, null, 1));
}

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Every bucket start of [fromMs, toMs) at the viewer's UTC offset, with the
 * stored points filled in and zeros elsewhere (the store returns only non-empty ones).
 */
export function fillSeries(
  points: readonly SeriesPoint[],
  query: { fromMs: number; toMs: number; bucket: keyof typeof BUCKET_MS; utcOffsetMinutes: number },
): SeriesPoint[] {
  const size = BUCKET_MS[query.bucket];
  const offset = query.utcOffsetMinutes * 60_000;
  const byStart = new Map(points.map((p) => [p.startMs, p]));
  const out: SeriesPoint[] = [];
  for (let t = Math.floor((query.fromMs + offset) / size) * size - offset; t < query.toMs; t += size) {
    out.push(byStart.get(t) ?? { startMs: t, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 });
  }
  return out;
}

function file(fileName: string, contentType: string, text: string): ExportFile {
  return { fileName, contentType, data: new TextEncoder().encode(text) };
}
