"use client";

/**
 * One camera's page. Stable hooks for automated tests:
 *
 * - `camera-page` (`data-camera-id`), `board-state` (the live feed's state, as on the count page),
 *   `board-error`, `camera-missing` (the server knows no such camera)
 * - the camera's `camera-tile` (see camera-tile.tsx; no `tile-manage` here)
 * - management (camera-manage-panel.tsx): `camera-rename-input`, `camera-rename-save`,
 *   `camera-rename-message`, `camera-reset` (opens the dialog `camera-reset-dialog`),
 *   `camera-reset-confirm`, `camera-reset-cancel`, `camera-reset-message`, `camera-revoke`,
 *   `camera-revoke-message`
 * - counting line (line-editor.tsx): `line-editor` (`data-line`: "set" | "none"),
 *   `line-frame` (the latest frame <img>, `data-captured-at-ms`), `line-overlay` (the canvas to
 *   drag on while editing), `line-reload`, `line-edit`, `line-swap`, `line-save`, `line-clear`,
 *   `line-cancel`, `line-message`
 * - history for this camera: `history`, `range-select`, `chart`, `export-*`, `event-log`,
 *   `event-row`, `events-older` (see count-board.tsx; no `history-camera` select here)
 */

import Link from "next/link";
import { useSyncExternalStore } from "react";
import { useCountData } from "@/components/use-count-data";
import { useNow } from "@/components/use-now";
import type { CountsFeed } from "@/lib/count/counts-feed";
import type { HistoryClient } from "@/lib/count/history-client";
import type { GrpcWebSetting } from "@/lib/grpc-web-url";
import { CameraTile } from "../../camera-tile";
import { HistoryPanel } from "../../history-panel";
import { CameraManagePanel } from "./camera-manage-panel";
import { LineEditor } from "./line-editor";
import { PlacesEditor } from "./places-editor";

/** Props of {@link CameraDetails}. */
export interface CameraDetailsProps {
  readonly grpcWeb: GrpcWebSetting;
  readonly cameraId: string;
}

/** Connects in the browser and renders the camera's page. */
export function CameraDetails({ grpcWeb, cameraId }: CameraDetailsProps) {
  const data = useCountData(grpcWeb);
  if (!data) {
    return (
      <div className="camera-page" data-testid="camera-page" data-camera-id={cameraId}>
        <Head title={cameraId} state="connecting" />
        <p className="muted">Loading…</p>
      </div>
    );
  }
  return <LiveDetails feed={data.feed} history={data.history} cameraId={cameraId} />;
}

function LiveDetails({ feed, history, cameraId }: { readonly feed: CountsFeed; readonly history: HistoryClient | null; readonly cameraId: string }) {
  const view = useSyncExternalStore(feed.subscribe, feed.getSnapshot, feed.getSnapshot);
  const now = useNow();
  const camera = view.cameras?.find((c) => c.cameraId === cameraId);
  return (
    <div className="camera-page" data-testid="camera-page" data-camera-id={cameraId}>
      <Head title={camera?.name || cameraId} state={view.state} subtitle={camera?.name ? cameraId : undefined} />
      {view.error ? (
        <p className="alert" role="alert" data-testid="board-error">
          {view.error}
        </p>
      ) : null}
      {view.cameras && !camera ? (
        <section className="panel" data-testid="camera-missing">
          <h2>No camera “{cameraId}”</h2>
          <p>
            The server does not know this camera. A camera appears once a capture page has connected with its id: open{" "}
            <Link href={`/capture?camera=${encodeURIComponent(cameraId)}`}>the capture page as {cameraId}</Link>, or go{" "}
            <Link href="/">back to the counts</Link>.
          </p>
        </section>
      ) : null}
      {camera ? (
        <>
          <div className="camera-top">
            <ul className="tiles single">
              <CameraTile
                camera={camera}
                nowMs={now}
                serverTimeMs={view.serverTimeMs}
                receivedAtMs={view.receivedAtMs}
                showManage={false}
                stale={view.state !== "live"}
              />
            </ul>
            {history ? <CameraManagePanel history={history} camera={camera} /> : null}
          </div>
          {history ? <LineEditor history={history} camera={camera} /> : null}
          {history ? <PlacesEditor history={history} camera={camera} /> : null}
          {history && view.cameras ? <HistoryPanel history={history} cameras={view.cameras} fixedCameraId={camera.cameraId} /> : null}
        </>
      ) : null}
    </div>
  );
}

function Head({ title, state, subtitle }: { readonly title: string; readonly state: string; readonly subtitle?: string | undefined }) {
  return (
    <div className="page-head">
      <div>
        <p className="small">
          <Link href="/">← All cameras</Link>
        </p>
        <h1>{title}</h1>
        {subtitle ? <p className="muted small">{subtitle}</p> : null}
      </div>
      <div className="page-head-side">
        <span className={`badge state-${state}`} data-testid="board-state">
          {state}
        </span>
      </div>
    </div>
  );
}
