"use client";

/**
 * The live count board. Stable hooks for automated tests:
 * - `data-testid="board-state"`: connecting | live | reconnecting | error
 * - `data-testid="board-error"`: the current problem (only while there is one)
 * - `data-testid="board-empty"`: shown when the server knows no camera yet
 * - one `data-testid="camera-tile"` per camera, with `data-camera-id`; see camera-tile.tsx
 */

import Link from "next/link";
import { useEffect, useState, useSyncExternalStore } from "react";
import { formatRate, secondsUntil } from "@/components/format";
import { useNow } from "@/components/use-now";
import { CountsFeed } from "@/lib/count/counts-feed";
import type { BoardView } from "@/lib/count/counts-feed";
import { resolveGrpcWebUrl } from "@/lib/grpc-web-url";
import type { GrpcWebSetting } from "@/lib/grpc-web-url";
import { CameraTile } from "./camera-tile";

/** Props of {@link CountBoard}. */
export interface CountBoardProps {
  /** The parsed HEADCOUNT_GRPC_WEB_URL, resolved against `location` in the browser. */
  readonly grpcWeb: GrpcWebSetting;
}

/** Creates the feed in the browser (it needs `location`) and renders the board. */
export function CountBoard({ grpcWeb }: CountBoardProps) {
  const [feed, setFeed] = useState<CountsFeed | null>(null);
  useEffect(() => {
    const resolved = resolveGrpcWebUrl(grpcWeb, window.location);
    const created = resolved.ok ? new CountsFeed(resolved.url, null) : new CountsFeed(null, resolved.message);
    created.start();
    setFeed(created);
    return () => created.stop();
  }, [grpcWeb]);
  return feed ? <LiveBoard feed={feed} /> : <BoardLayout view={null} />;
}

function LiveBoard({ feed }: { readonly feed: CountsFeed }) {
  const view = useSyncExternalStore(feed.subscribe, feed.getSnapshot, feed.getSnapshot);
  return <BoardLayout view={view} />;
}

function BoardLayout({ view }: { readonly view: BoardView | null }) {
  const now = useNow();
  const state = view?.state ?? "connecting";
  const cameras = view?.cameras ?? null;
  const online = cameras?.filter((camera) => camera.online).length ?? 0;
  const inView = cameras?.reduce((sum, camera) => sum + (camera.counts?.inView ?? 0), 0) ?? 0;
  return (
    <div className="board">
      <div className="page-head">
        <div>
          <h1>Counts</h1>
          <p className="muted">
            {cameras ? `${cameras.length} camera${cameras.length === 1 ? "" : "s"}, ${online} online, ${inView} in view` : "Loading cameras…"}
          </p>
        </div>
        <div className="page-head-side">
          <span className={`badge state-${state}`} data-testid="board-state">
            {state}
          </span>
          {state === "reconnecting" && view?.retryAtMs ? (
            <span className="muted">retry in {secondsUntil(view.retryAtMs, now)} s</span>
          ) : null}
          <Link href="/capture" className="button primary">
            Add a camera
          </Link>
        </div>
      </div>
      {view?.error ? (
        <p className="alert" role="alert" data-testid="board-error">
          {view.error}
        </p>
      ) : null}
      {cameras && cameras.length === 0 ? <EmptyState /> : null}
      {cameras && cameras.length > 0 ? (
        <ul className="tiles">
          {cameras.map((camera) => (
            <CameraTile
              key={camera.cameraId}
              camera={camera}
              nowMs={now}
              serverTimeMs={view?.serverTimeMs ?? null}
              receivedAtMs={view?.receivedAtMs ?? null}
            />
          ))}
        </ul>
      ) : null}
      {cameras && cameras.length > 0 ? (
        <p className="muted small">
          Total acked rate: {formatRate(cameras.reduce((sum, camera) => sum + camera.ackedFps, 0))} fps
        </p>
      ) : null}
    </div>
  );
}

function EmptyState() {
  const [captureUrl, setCaptureUrl] = useState("/capture");
  useEffect(() => setCaptureUrl(`${window.location.origin}/capture`), []);
  return (
    <section className="panel empty" data-testid="board-empty">
      <h2>No cameras yet</h2>
      <p>Any device with a camera and a browser can count people:</p>
      <ol>
        <li>
          On a phone, laptop or Raspberry Pi, open <Link href="/capture">{captureUrl}</Link>.
        </li>
        <li>Allow camera access and press Start. The camera appears here within seconds.</li>
        <li>
          Browsers only allow cameras on secure pages: use <code>https://</code> (for example through the Envoy
          proxy), or <code>http://localhost</code> on the device itself.
        </li>
      </ol>
    </section>
  );
}
