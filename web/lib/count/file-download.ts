/**
 * Saving an ExportCounts answer as a file: a Blob, an object URL and a
 * temporary <a download>, with a safe file name.
 */

/** What to export and how; the names match ExportContent / ExportFormat. */
export type ExportContentName = "events" | "series";
/** See {@link ExportContentName}. */
export type ExportFormatName = "csv" | "json";

const UNSAFE = /[^A-Za-z0-9._-]+/g;
const MAX_NAME_LENGTH = 120;

/** The name used when the server suggests none: `headcount-events-all.csv`. */
export function fallbackFileName(content: ExportContentName, format: ExportFormatName, cameraId: string): string {
  return `headcount-${content}-${cameraId || "all"}.${format}`;
}

/**
 * The file name to save under: the server's suggestion with anything but
 * letters, digits, '.', '-' and '_' replaced (no path separators, no leading
 * dot), or the fallback when nothing usable is left.
 */
export function downloadFileName(suggested: string, fallback: string): string {
  const cleaned = suggested.replace(UNSAFE, "_").replace(/^[._]+/, "").slice(0, MAX_NAME_LENGTH);
  return /[A-Za-z0-9]/.test(cleaned) ? cleaned : fallback;
}

/** How long the object URL lives after the click (the browser has started the download by then). */
const REVOKE_AFTER_MS = 10_000;

/** Makes the browser download `data` as `fileName` (browser only). */
export function saveDownload(data: Uint8Array, contentType: string, fileName: string): void {
  // Copy into a fresh ArrayBuffer: the message's bytes may be a view into a larger, shared buffer.
  const blob = new Blob([data.slice()], { type: contentType || "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
