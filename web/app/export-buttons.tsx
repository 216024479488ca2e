"use client";

import { useState } from "react";
import { ExportContent, ExportFormat } from "@headcount/proto/count";
import { downloadFileName, fallbackFileName, saveDownload } from "@/lib/count/file-download";
import type { ExportContentName, ExportFormatName } from "@/lib/count/file-download";
import type { HistoryClient, SeriesPlace } from "@/lib/count/history-client";
import type { RangeResult } from "@/lib/count/series-range";

/** Props of {@link ExportButtons}. */
export interface ExportButtonsProps {
  readonly history: HistoryClient;
  /** One camera, or "" for all. */
  readonly cameraId: string;
  /** The range as it is at the moment of the click (presets follow the clock). */
  readonly resolveRange: () => RangeResult;
  /** The line or zone the chart shows, whose series the series export carries. */
  readonly place?: SeriesPlace;
}

const BUTTONS: ReadonlyArray<{ readonly content: ExportContentName; readonly format: ExportFormatName; readonly label: string }> = [
  { content: "events", format: "csv", label: "Events CSV" },
  { content: "events", format: "json", label: "Events JSON" },
  { content: "series", format: "csv", label: "Series CSV" },
  { content: "series", format: "json", label: "Series JSON" },
];

/**
 * Downloads of the selected camera's (or all cameras') events or bucketed
 * series over the selected range, made by the server (ExportCounts). Test
 * hooks: `export-events-csv`, `export-events-json`, `export-series-csv`,
 * `export-series-json`, `export-message` (the last outcome, with `data-file-name` after a success).
 */
export function ExportButtons({ history, cameraId, resolveRange, place }: ExportButtonsProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ readonly text: string; readonly fileName: string | null; readonly failed: boolean } | null>(null);

  const download = async (content: ExportContentName, format: ExportFormatName): Promise<void> => {
    const resolved = resolveRange();
    if (!resolved.ok) {
      setOutcome({ text: resolved.message, fileName: null, failed: true });
      return;
    }
    const { range } = resolved;
    setBusy(`${content}-${format}`);
    const result = await history.exportFile({
      content: content === "events" ? ExportContent.EVENTS : ExportContent.SERIES,
      format: format === "csv" ? ExportFormat.CSV : ExportFormat.JSON,
      cameraId,
      fromMs: range.fromMs,
      toMs: range.toMs,
      bucket: range.bucket,
      utcOffsetMinutes: range.utcOffsetMinutes,
      lineId: place?.lineId ?? "",
      zoneId: place?.zoneId ?? "",
    });
    setBusy(null);
    if (!result.ok) {
      setOutcome({ text: result.message, fileName: null, failed: true });
      return;
    }
    const fileName = downloadFileName(result.value.fileName, fallbackFileName(content, format, cameraId));
    try {
      saveDownload(result.value.data, result.value.contentType, fileName);
      setOutcome({ text: `Saved ${fileName} (${formatBytes(result.value.data.byteLength)}).`, fileName, failed: false });
    } catch (error) {
      setOutcome({ text: `The browser refused the download: ${error instanceof Error ? error.message : String(error)}`, fileName: null, failed: true });
    }
  };

  return (
    <div className="export-tools">
      <span className="muted small">Download this range:</span>
      {BUTTONS.map(({ content, format, label }) => (
        <button
          key={`${content}-${format}`}
          type="button"
          className="button"
          data-testid={`export-${content}-${format}`}
          disabled={busy !== null}
          onClick={() => void download(content, format)}
        >
          {busy === `${content}-${format}` ? "Exporting…" : label}
        </button>
      ))}
      {outcome ? (
        <span className={outcome.failed ? "export-message failed small" : "export-message muted small"} role={outcome.failed ? "alert" : "status"} data-testid="export-message" data-file-name={outcome.fileName ?? undefined}>
          {outcome.text}
        </span>
      ) : null}
    </div>
  );
}

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
