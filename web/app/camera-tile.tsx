/**
 * One camera on the count board. Test hooks: `data-testid="camera-tile"` with
 * `data-camera-id`, and inside it `tile-in-view`, and the counts in one table
 * (`tile-counts`), one vocabulary for both periods: `tile-entered`,
 * `tile-exited`, `tile-crossed-in`, `tile-crossed-out` (since the last reset,
 * or in total when never reset) and `tile-entered-today`, `tile-exited-today`,
 * `tile-crossed-in-today`, `tile-crossed-out-today` (since local midnight;
 * both columns come from the same server snapshot, so a camera whose counts
 * all fall today shows the same numbers in both), `tile-since-reset` (only after a
 * reset; `data-reset-at-ms`), `tile-online` (online | offline | unknown: the server
 * cannot be reached), `tile-stale` (only while unknown), `data-stale` on the tile,
 * `tile-fps` (one decimal, "-" unless online), `tile-latency` (ms, integer; "-" unless
 * online with a measurement), `tile-last-seen` (text), `tile-manage` (link to the camera page).
 */

import { TilePlaces } from "./tile-places";
import Link from "next/link";
import type { Camera } from "@headcount/proto/count";
import { formatAgo, formatMs, formatRate } from "@/components/format";

/** Props of {@link CameraTile}. */
export interface CameraTileProps {
  readonly camera: Camera;
  /** The page's clock now, and when the snapshot arrived; with the server's snapshot time they give the camera's age without clock skew. */
  readonly nowMs: number;
  readonly serverTimeMs: number | null;
  readonly receivedAtMs: number | null;
  /** False on the camera's own page (no link to itself). */
  readonly showManage?: boolean;
  /**
   * True while the page cannot reach the server: the figures are the last
   * known ones, so the tile is greyed, says so, and claims nothing live.
   */
  readonly stale?: boolean;
}

/** A tile: name, online badge, people in view (big), counts, rate, latency and last seen. */
export function CameraTile({ camera, nowMs, serverTimeMs, receivedAtMs, showManage = true, stale = false }: CameraTileProps) {
  const counts = camera.counts;
  const today = camera.today;
  // Server clock when a snapshot gave it (no skew between devices), else the page's clock.
  const ageMs =
    camera.lastSeenAtMs <= 0 || nowMs <= 0
      ? null
      : serverTimeMs !== null && receivedAtMs !== null
        ? serverTimeMs - camera.lastSeenAtMs + (nowMs - receivedAtMs)
        : nowMs - camera.lastSeenAtMs;
  // Unknown is not online: while the server is unreachable nobody knows whether the camera still sends.
  const online = stale ? "unknown" : camera.online ? "online" : "offline";
  const live = online === "online";
  const pairHref = `/capture?${new URLSearchParams({ camera: camera.cameraId, name: camera.name }).toString()}`;
  return (
    <li className={`tile tile-${online}${stale ? " tile-stale" : ""}`} data-testid="camera-tile" data-camera-id={camera.cameraId} data-stale={stale}>
      <div className="tile-head">
        <h2 title={camera.cameraId}>{camera.name || camera.cameraId}</h2>
        <span className={`badge ${online}`} data-testid="tile-online" title={stale ? "The server cannot be reached: these are the last known figures" : undefined}>
          {online}
        </span>
      </div>
      {stale ? (
        <p className="small muted" data-testid="tile-stale">
          Last known figures; the server cannot be reached.
        </p>
      ) : null}
      <div className="tile-big">
        <span className="tile-big-number" data-testid="tile-in-view">
          {counts?.inView ?? 0}
        </span>
        <span className="muted">{stale ? "last known in view" : "in view"}</span>
      </div>
      <table className="tile-counts" data-testid="tile-counts">
        <thead>
          <tr>
            <td />
            <th scope="col" title={camera.resetAtMs > 0 ? "Since the last reset" : "Since the camera was added (never reset)"}>
              {camera.resetAtMs > 0 ? "since reset" : "total"}
            </th>
            <th scope="col" title="Since local midnight">
              today
            </th>
          </tr>
        </thead>
        <tbody>
          <CountRow label="entered" testId="tile-entered" total={counts?.entered} today={today?.entered} />
          <CountRow label="exited" testId="tile-exited" total={counts?.exited} today={today?.exited} />
          <CountRow label="crossed in" testId="tile-crossed-in" total={counts?.crossedIn} today={today?.crossedIn} />
          <CountRow label="crossed out" testId="tile-crossed-out" total={counts?.crossedOut} today={today?.crossedOut} />
        </tbody>
      </table>
      <TilePlaces camera={camera} />
      {camera.resetAtMs > 0 ? (
        <p className="tile-reset small muted" data-testid="tile-since-reset" data-reset-at-ms={camera.resetAtMs}>
          reset {new Date(camera.resetAtMs).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
        </p>
      ) : null}
      <dl className="tile-health">
        <Figure label="fps" testId="tile-fps" value={live ? formatRate(camera.ackedFps) : "-"} />
        <Figure label="latency ms" testId="tile-latency" value={live && camera.latencyMs > 0 ? formatMs(camera.latencyMs) : "-"} />
        <div>
          <dt>last seen</dt>
          <dd data-testid="tile-last-seen" title={camera.lastSeenAtMs > 0 ? new Date(camera.lastSeenAtMs).toLocaleString() : undefined}>
            {camera.lastSeenAtMs > 0 ? formatAgo(ageMs) : "never"}
          </dd>
        </div>
      </dl>
      <p className="tile-foot small">
        <span className="muted">{camera.lines.length + camera.zones.length > 0 ? `${camera.lines.length} lines, ${camera.zones.length} zones` : "no counting line"}</span>
        <span className="tile-links">
          <Link href={pairHref}>Capture as this camera</Link>
          {showManage ? (
            <Link href={`/cameras/${encodeURIComponent(camera.cameraId)}`} data-testid="tile-manage">
              Manage
            </Link>
          ) : null}
        </span>
      </p>
    </li>
  );
}

/** One count, since the reset (or in total) and today; "-" until the server sent it. */
function CountRow({ label, testId, total, today }: { readonly label: string; readonly testId: string; readonly total?: number | undefined; readonly today?: number | undefined }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td data-testid={testId}>{total ?? 0}</td>
      <td data-testid={`${testId}-today`}>{today ?? "-"}</td>
    </tr>
  );
}

function Figure({ label, testId, value }: { readonly label: string; readonly testId: string; readonly value: number | string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}
