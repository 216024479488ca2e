import { formatMs, formatRate } from "@/components/format";
import type { CaptureView } from "@/lib/capture/capture-view";

/** Props of {@link CaptureStats}. */
export interface CaptureStatsProps {
  readonly view: CaptureView;
}

/** The counts of the latest ack and the link's statistics; every figure has a data-testid (see capture-client.tsx). */
export function CaptureStats({ view }: CaptureStatsProps) {
  const { stats, counts, limits } = view;
  return (
    <section className="panel" aria-label="Counts and statistics">
      <dl className="figures counts">
        <Figure label="in view" testId="count-in-view" value={counts?.inView ?? 0} big />
        <Figure label="entered" testId="count-entered" value={counts?.entered ?? 0} />
        <Figure label="exited" testId="count-exited" value={counts?.exited ?? 0} />
        <Figure label="crossed in" testId="count-crossed-in" value={counts?.crossedIn ?? 0} />
        <Figure label="crossed out" testId="count-crossed-out" value={counts?.crossedOut ?? 0} />
      </dl>
      <dl className="figures stats">
        <Figure label="sent" testId="stat-sent" value={stats.sent} />
        <Figure label="acked" testId="stat-acked" value={stats.acked} />
        <Figure label="skipped (page)" testId="stat-dropped-client" value={stats.droppedClient} title="Not sent: the previous uploads had not been answered yet (normal on a slow link)" />
        <Figure label="skipped (newer frame)" testId="stat-dropped-stale" value={stats.droppedStale} title="Answered without counting: a newer frame overtook it while the detector was busy (normal)" />
        <Figure label="rejected" testId="stat-rejected" value={stats.rejected} alarm />
        <Figure label="too big" testId="stat-oversize" value={stats.oversize} title="Skipped: JPEG over the server's size limit" alarm />
        <Figure label="upload errors" testId="stat-upload-errors" value={stats.uploadErrors} alarm />
        <Figure label="sent fps" testId="stat-sent-fps" value={formatRate(stats.sentFps)} />
        <Figure label="acked fps" testId="stat-acked-fps" value={formatRate(stats.ackedFps)} />
        <Figure label="latency p50 ms" testId="stat-latency-p50" value={stats.latencyP50 === null ? "-" : formatMs(stats.latencyP50)} />
        <Figure label="latency p95 ms" testId="stat-latency-p95" value={stats.latencyP95 === null ? "-" : formatMs(stats.latencyP95)} />
      </dl>
      {view.rows[0]?.detectionSkipped ? (
        <p className="muted small" data-testid="stat-idle" title="The server's motion gate saw nothing move and no one in view: the counts stay as they were">
          idle: detection skipped
        </p>
      ) : null}
      <p className="muted small" data-testid="stat-flow-note">
        Skipped frames are normal: when the detector is slower than the camera, the server counts the newest frame and answers
        older ones as skipped, so the counts stay current.
      </p>
      <p className="muted small" data-testid="stat-running">
        {runningText(view)} {formatRate(view.effectiveFps)} fps, {view.windowSize} upload{view.windowSize === 1 ? "" : "s"} in flight at most
        {limits
          ? `; server limits: ${limits.maxFps || "∞"} fps, ${Math.round(limits.maxFrameBytes / 1024) || "∞"} KB per frame, ${limits.maxPixels ? `${(limits.maxPixels / 1e6).toFixed(1)} MP` : "∞"}`
          : ""}
        .
      </p>
    </section>
  );
}

/** "Running at" only while frames flow; otherwise what would apply on Start. */
function runningText(view: CaptureView): string {
  if (view.paused) return "Paused while this page is hidden; on return it runs at";
  return view.running ? "Running at" : "Stopped; Start runs at";
}

function Figure(props: {
  readonly label: string;
  readonly testId: string;
  readonly value: number | string;
  readonly title?: string;
  readonly big?: boolean;
  /** Shown in the alarming colour when not zero: a real error, not flow control. */
  readonly alarm?: boolean;
}) {
  const alarming = props.alarm === true && typeof props.value === "number" && props.value > 0;
  return (
    <div className={`figure${props.big ? " big" : ""}${alarming ? " alarm" : ""}`} title={props.title}>
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.value}</dd>
    </div>
  );
}
