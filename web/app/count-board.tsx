"use client";

/**
 * The count page: live tiles, counts over time, the event log, exports and
 * pairing. Stable hooks for automated tests:
 *
 * Board
 * - `board-state`: connecting | live | reconnecting | error
 * - `board-error`: the current problem (only while there is one)
 * - `board-empty`: shown when the server knows no camera yet
 * - one `camera-tile` per camera, with `data-camera-id`; inside it `tile-in-view`,
 *   `tile-counts` (since reset and today, from one snapshot): `tile-entered`, `tile-exited`,
 *   `tile-crossed-in`, `tile-crossed-out`, each also with `-today`; `tile-since-reset`, `tile-online`,
 *   `tile-fps`, `tile-latency`, `tile-last-seen`, `tile-manage` (see camera-tile.tsx)
 *
 * Many cameras and areas (summary-strip.tsx, camera-sections.tsx, camera-table.tsx, areas/area-panel.tsx)
 * - `summary-strip`, `summary-online`, `summary-in-view`, `summary-entered-today`, `summary-area`
 * - `camera-search`, `camera-sort`, `camera-layout`, `board-layout` (`data-layout`), `area-section`,
 *   `camera-table` with rows `camera-row`; `area-panel` and its form and rows
 *
 * History (history-panel.tsx, series-chart.tsx, export-buttons.tsx, event-log.tsx)
 * - `history` (section, `data-camera-id`), `history-camera` (select, "" = all cameras),
 *   `range-select` (hour | today | week | custom), `range-from`, `range-to`, `range-apply`,
 *   `history-error`, `history-totals` (`data-entered`, `data-exited`, `data-crossed-in`, `data-crossed-out`)
 * - `chart`: `data-points` (non-zero buckets drawn), `data-buckets`, `data-bucket`
 *   (minute | hour | day), `data-from-ms`, `data-to-ms`, `data-state` (loading | ready | error)
 * - `export-events-csv`, `export-events-json`, `export-series-csv`, `export-series-json`,
 *   `export-message` (`data-file-name` after a download)
 * - `event-log` (`data-count`, `data-state`), rows `event-row` with `data-kind`
 *   (entry | exit | cross_in | cross_out | reset), `data-reason` ("" | capture_stopped | session_lost),
 *   `data-camera-id`, `data-track-id`,
 *   `data-time-ms`, `data-event-id`; `events-older`, `event-log-error`
 *
 * Pairing (pair-panel.tsx)
 * - `pair-panel`, `pair-camera` (select, "" = new camera), `pair-name`, `pair-new-id`,
 *   `pair-qr` (img, `data-url`), `pair-link` (<a href>), `pair-error`
 *
 * The camera page (/cameras/[id], camera-details.tsx) lists its own hooks.
 */

import { useSyncExternalStore } from "react";
import { formatRate, secondsUntil } from "@/components/format";
import { useCountData } from "@/components/use-count-data";
import { useNow } from "@/components/use-now";
import type { CountsFeed, BoardView } from "@/lib/count/counts-feed";
import type { HistoryClient } from "@/lib/count/history-client";
import type { GrpcWebSetting } from "@/lib/grpc-web-url";
import { SummaryStrip } from "@/components/summary-strip";
import { summarize } from "@/lib/count/board-order";
import { AreaPanel } from "./areas/area-panel";
import { CameraSections } from "./camera-sections";
import { HistoryPanel } from "./history-panel";
import "./board.css";
import { PairPanel } from "./pair-panel";

/** Props of {@link CountBoard}. */
export interface CountBoardProps {
  /** The parsed HEADCOUNT_GRPC_WEB_URL, resolved against `location` in the browser. */
  readonly grpcWeb: GrpcWebSetting;
}

/** Creates the feed in the browser (it needs `location`) and renders the board. */
export function CountBoard({ grpcWeb }: CountBoardProps) {
  const data = useCountData(grpcWeb);
  return data ? <LiveBoard feed={data.feed} history={data.history} grpcWeb={grpcWeb} /> : <BoardLayout view={null} history={null} grpcWeb={grpcWeb} />;
}

function LiveBoard({ feed, history, grpcWeb }: { readonly feed: CountsFeed; readonly history: HistoryClient | null; readonly grpcWeb: GrpcWebSetting }) {
  const view = useSyncExternalStore(feed.subscribe, feed.getSnapshot, feed.getSnapshot);
  return <BoardLayout view={view} history={history} grpcWeb={grpcWeb} />;
}

function BoardLayout({ view, history, grpcWeb }: { readonly view: BoardView | null; readonly history: HistoryClient | null; readonly grpcWeb: GrpcWebSetting }) {
  const now = useNow();
  const state = view?.state ?? "connecting";
  const cameras = view?.cameras ?? null;
  const live = state === "live";
  const online = cameras?.filter((camera) => camera.online).length ?? 0;
  const inView = cameras?.reduce((sum, camera) => sum + (camera.counts?.inView ?? 0), 0) ?? 0;
  return (
    <div className="board">
      <div className="page-head">
        <div>
          <h1>Counts</h1>
          <p className="muted">
            {cameras
              ? live
                ? `${cameras.length} camera${cameras.length === 1 ? "" : "s"}, ${online} online, ${inView} in view`
                : `${cameras.length} camera${cameras.length === 1 ? "" : "s"}; showing the last known figures until the server answers`
              : "Loading cameras…"}
          </p>
        </div>
        <div className="page-head-side">
          <span className={`badge state-${state}`} data-testid="board-state">
            {state}
          </span>
          {state === "reconnecting" && view?.retryAtMs ? (
            <span className="muted">retry in {secondsUntil(view.retryAtMs, now)} s</span>
          ) : null}
          <a href="#pair" className="button primary">
            Add a camera
          </a>
        </div>
      </div>
      {view?.error ? (
        <p className="alert" role="alert" data-testid="board-error">
          {view.error}
        </p>
      ) : null}
      {cameras && cameras.length === 0 ? <EmptyState /> : null}
      {cameras && cameras.length > 0 ? <SummaryStrip summary={summarize(cameras)} areas={view?.areas ?? []} stale={!live} /> : null}
      {cameras && cameras.length > 0 ? (
        <CameraSections
          cameras={cameras}
          areas={view?.areas ?? []}
          nowMs={now}
          serverTimeMs={view?.serverTimeMs ?? null}
          receivedAtMs={view?.receivedAtMs ?? null}
          stale={!live}
        />
      ) : null}
      {cameras && cameras.length > 0 ? (
        <p className="muted small">
          Total acked rate: {formatRate(cameras.reduce((sum, camera) => sum + camera.ackedFps, 0))} fps
        </p>
      ) : null}
      {cameras && cameras.length > 0 ? <AreaPanel grpcWeb={grpcWeb} cameras={cameras} areas={view?.areas ?? []} /> : null}
      {history && cameras && cameras.length > 0 ? <HistoryPanel history={history} cameras={cameras} areas={view?.areas ?? []} /> : null}
      {cameras ? (
        <div id="pair">
          <PairPanel cameras={cameras} history={history} />
        </div>
      ) : null}
    </div>
  );
}

function EmptyState() {
  return (
    <section className="panel empty" data-testid="board-empty">
      <h2>No cameras yet</h2>
      <p>Any device with a camera and a browser can count people. To add one:</p>
      <ol>
        <li>
          Below, under <a href="#pair">Pair a device</a>, type a name for the camera and press <strong>Make pairing link</strong>.
        </li>
        <li>Open the link on the device with the camera, or scan the QR code with a phone.</li>
        <li>Its capture page opens already paired: allow the camera and press Start. The camera appears here within seconds.</li>
      </ol>
      <p className="muted small">
        Browsers allow cameras only on secure pages: https, or http://localhost on the machine that runs the server.
      </p>
    </section>
  );
}
