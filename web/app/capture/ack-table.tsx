import { formatMs } from "@/components/format";
import type { AckRow } from "@/lib/capture/capture-view";

/** Props of {@link AckTable}. */
export interface AckTableProps {
  /** Newest first. */
  readonly rows: readonly AckRow[];
}

/** The most recent acks, one row each with `data-testid="ack-row"` and its figures as data attributes. */
export function AckTable({ rows }: AckTableProps) {
  return (
    <section className="panel" aria-label="Recent acknowledgments">
      <h2>Recent acks</h2>
      {rows.length === 0 ? (
        <p className="muted">No acks yet. Press Start; each uploaded frame is acknowledged here.</p>
      ) : (
        <div className="table-scroll">
          <table className="acks">
            <thead>
              <tr>
                <th>seq</th>
                <th>status</th>
                <th>latency ms</th>
                <th>sent</th>
                <th>decoded</th>
                <th>KB</th>
                <th>people</th>
                <th title="queued / decode / detect / total, ms">server ms</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr
                  key={row.seq}
                  className={`ack-${row.status}`}
                  data-testid="ack-row"
                  data-seq={row.seq}
                  data-status={row.status}
                  data-sent-width={row.sentWidth}
                  data-sent-height={row.sentHeight}
                  data-decoded-width={row.decodedWidth}
                  data-decoded-height={row.decodedHeight}
                  data-latency-ms={row.latencyMs}
                  data-people={row.people}
                  data-detection-skipped={row.detectionSkipped}
                >
                  <td>{row.seq}</td>
                  <td title={row.detail || undefined}>
                    {row.status === "dropped_stale" ? "skipped" : row.status.replace("_", " ")}
                    {row.detectionSkipped ? <span className="ack-detail muted small" data-testid="ack-idle"> (idle: detection skipped)</span> : null}
                    {row.detail ? <span className="ack-detail muted small"> ({row.detail})</span> : null}
                  </td>
                  <td>{row.latencyMs}</td>
                  <td>{row.sentWidth ? `${row.sentWidth}×${row.sentHeight}` : "?"}</td>
                  <td>{row.decodedWidth ? `${row.decodedWidth}×${row.decodedHeight}` : "-"}</td>
                  <td>{(row.jpegBytes / 1024).toFixed(1)}</td>
                  <td>{row.people}</td>
                  <td>
                    {row.timings ? (
                      <>
                        {/* The breakdown is hidden on phones, where the total fits. */}
                        <span className="ack-breakdown">{[row.timings.queuedMs, row.timings.decodeMs, row.timings.detectMs].map(formatMs).join(" / ")} / </span>
                        {formatMs(row.timings.totalMs)}
                      </>
                    ) : (
                      "-"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
