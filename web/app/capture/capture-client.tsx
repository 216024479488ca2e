"use client";

/**
 * The capture page's browser side.
 *
 * Stable hooks for automated browser tests (keep them stable; the e2e test reads them):
 *
 * Controls
 * - `capture-start`, `capture-stop`: buttons (both always rendered; the one that does not apply is disabled)
 * - `setting-device` (select), `setting-facing-back` / `setting-facing-front` (buttons),
 *   `setting-width` (select), `setting-fps` (range 1..30), `setting-quality` (range 0.3..0.95),
 *   `camera-id` (text), `camera-name` (input)
 * - line editing: `line-edit`, `line-swap`, `line-save`, `line-clear`, `line-cancel` (buttons),
 *   `line-message` (text), `preview-overlay` (the canvas to click/drag on while editing),
 *   `preview-video` (the camera's <video>)
 *
 * State
 * - `capture-state`: exactly one of connecting | live | reconnecting | stopped | error
 * - `capture-retry-in`: seconds until the next reconnect (only while reconnecting)
 * - `capture-error`: the current error message (rendered only while there is one)
 * - `capture-notice`: a softer hint, e.g. frames over the size limit (only while there is one)
 * - `capture-session`: the first 8 characters of the session id ("-" without one)
 * - `capture-unpaired` (`data-code`: UNAUTHENTICATED | PERMISSION_DENIED): the "pair this device" panel after
 *   the server refused the credential (final: state "error", no retry); `capture-unpaired-link` (to /#pair),
 *   `capture-unpaired-details` (the server's words)
 * - `capture-taken-over`: another device or page took the camera over (final: state "error", no reconnect);
 *   `capture-take-back` starts again, taking it back
 * - `capture-paused`: shown while capture is paused because the page is hidden
 * - `capture-camera-name`: the camera's name (the server's once a session opened); `camera-name-pending`
 *   only while a typed name waits for the next Start
 * - `overlay-legend`: what the boxes' colours mean; `stat-flow-note`, `stat-running`
 *
 * Stats (text is a plain number; latency shows "-" until the first processed ack)
 * - `stat-sent` (UploadFrame calls issued), `stat-acked` (acks of any status),
 *   `stat-dropped-client` (window full), `stat-dropped-stale`, `stat-rejected`,
 *   `stat-oversize`, `stat-upload-errors`, `stat-sent-fps`, `stat-acked-fps` (one decimal, last 5 s),
 *   `stat-latency-p50`, `stat-latency-p95` (ms, integers, last 100 processed acks)
 * - counts of the latest ack: `count-in-view`, `count-entered`, `count-exited`,
 *   `count-crossed-in`, `count-crossed-out`
 *
 * Ack table: the newest 30 acks, newest first, each `data-testid="ack-row"` with
 * `data-seq`, `data-status` (processed | dropped_stale | rejected | unspecified),
 * `data-sent-width`, `data-sent-height`, `data-decoded-width`, `data-decoded-height`,
 * `data-latency-ms`, `data-people`.
 *
 * Debugging/test aid: `window.__headcountCapture` holds a complete record, each
 * array bounded to its newest 5000 entries (see lib/capture/capture-record.ts):
 * `{ sessionId, cameraId, acks: Array<{ seq, status, sentWidth, sentHeight,
 * decodedWidth, decodedHeight, latencyMs, people, entered, exited }>, sentSeqs,
 * droppedClientSeqs, oversizeSeqs, uploadErrorSeqs }`.
 */

import { useEffect, useState, useSyncExternalStore } from "react";
import { secondsUntil } from "@/components/format";
import { useNow } from "@/components/use-now";
import { browserStore, loadCameraIdentity, saveCameraName } from "@/lib/capture/camera-identity";
import { CaptureEngine } from "@/lib/capture/capture-engine";
import { loadSettings, sanitizeSettings, saveSettings } from "@/lib/capture/capture-settings";
import type { CaptureSettings } from "@/lib/capture/capture-settings";
import type { Refusal } from "@/lib/capture/capture-view";
import { takeLinkToken } from "@/lib/count/pairing-link";
import { resolveGrpcWebUrl } from "@/lib/grpc-web-url";
import type { GrpcWebSetting } from "@/lib/grpc-web-url";
import { AckTable } from "./ack-table";
import { CapturePreview } from "./capture-preview";
import { CaptureSettingsPanel } from "./capture-settings-panel";
import { CaptureStats } from "./capture-stats";
import { TakenOverPanel } from "./taken-over-panel";

/** Props of {@link CaptureClient}. */
export interface CaptureClientProps {
  /** The parsed HEADCOUNT_GRPC_WEB_URL, resolved against `location` in the browser. */
  readonly grpcWeb: GrpcWebSetting;
  /** `?camera=` of a pairing link. */
  readonly cameraParam: string | undefined;
  /** Start capturing once the page is ready (`?autostart=1`, for kiosks). */
  readonly autostart?: boolean;
  /** `?name=` of a pairing link. */
  readonly nameParam: string | undefined;
}

/** A notice (not an error) disappears this long after it was last raised. */
const NOTICE_VISIBLE_MS = 10_000;

interface Setup {
  readonly engine: CaptureEngine;
  readonly warning: string | null;
  readonly endpoint: string | null;
}

/** Builds the engine in the browser (it needs localStorage and `location`) and renders the page. */
export function CaptureClient({ grpcWeb, cameraParam, nameParam, autostart = false }: CaptureClientProps) {
  const [setup, setSetup] = useState<Setup | null>(null);
  useEffect(() => {
    const store = browserStore();
    // The token is read here, in the browser, never rendered by the server (see pairingUrl).
    const link = takeLinkToken(window.location.href);
    const identity = loadCameraIdentity(store, { camera: cameraParam, name: nameParam, token: link.token });
    if (link.token !== undefined) {
      // Remembered now; keep the credential out of the address bar, bookmarks and screenshots.
      window.history.replaceState(window.history.state, "", link.cleanUrl);
    }
    const resolved = resolveGrpcWebUrl(grpcWeb, window.location);
    const engine = new CaptureEngine({
      baseUrl: resolved.ok ? resolved.url : null,
      configError: resolved.ok ? null : resolved.message,
      cameraId: identity.cameraId,
      cameraName: identity.cameraName,
      captureToken: identity.captureToken,
      settings: loadSettings(store),
      rememberName: (name) => saveCameraName(store, name),
    });
    setSetup({ engine, warning: identity.warning, endpoint: resolved.ok ? resolved.url : null });
    return () => engine.stop();
  }, [grpcWeb, cameraParam, nameParam]);
  useEffect(() => {
    // After the <video> is attached (this effect runs once the page has rendered with the engine).
    if (autostart && setup) void setup.engine.start();
  }, [autostart, setup]);
  if (!setup) {
    return (
      <div className="capture">
        <div className="page-head">
          <h1>Capture</h1>
          <p className="muted">Loading…</p>
        </div>
      </div>
    );
  }
  return <CapturePanel {...setup} />;
}

function CapturePanel({ engine, warning, endpoint }: Setup) {
  const view = useSyncExternalStore(engine.subscribe, engine.getSnapshot, engine.getSnapshot);
  const now = useNow(500);
  useEffect(() => {
    void engine.refreshDevices();
    const devices = typeof navigator === "undefined" ? undefined : navigator.mediaDevices;
    const onChange = (): void => void engine.refreshDevices();
    devices?.addEventListener?.("devicechange", onChange);
    return () => devices?.removeEventListener?.("devicechange", onChange);
  }, [engine]);

  const changeSettings = (patch: Partial<CaptureSettings>): void => {
    const next = sanitizeSettings({ ...view.settings, ...patch });
    saveSettings(browserStore(), next);
    engine.updateSettings(next);
  };
  const changeName = (name: string): void => {
    saveCameraName(browserStore(), name);
    engine.setCameraName(name);
  };
  const configBroken = endpoint === null;

  return (
    <div className="capture">
      <div className="page-head">
        <div>
          <h1>Capture</h1>
          <p className="muted small" data-testid="capture-camera-name">
            {view.cameraName || view.cameraId}
          </p>
        </div>
        <div className="page-head-side">
          <span className={`badge state-${view.state}`} data-testid="capture-state">
            {view.state}
          </span>
          {view.state === "reconnecting" && view.retryAtMs !== null ? (
            <span className="muted">
              retry in <span data-testid="capture-retry-in">{secondsUntil(view.retryAtMs, now)}</span> s
            </span>
          ) : null}
          <span className="muted small" title={view.sessionId ?? undefined}>
            session <code data-testid="capture-session">{view.sessionId ? view.sessionId.slice(0, 8) : "-"}</code>
          </span>
          <button
            type="button"
            className="button primary"
            data-testid="capture-start"
            disabled={view.running || configBroken}
            onClick={() => void engine.start()}
          >
            Start
          </button>
          <button
            type="button"
            className="button"
            data-testid="capture-stop"
            disabled={!view.running}
            onClick={() => engine.stop()}
          >
            Stop
          </button>
        </div>
      </div>
      {view.error ? (
        <p className="alert" role="alert" data-testid="capture-error">
          {view.error}
        </p>
      ) : null}
      {view.refusal ? <UnpairedPanel refusal={view.refusal} cameraId={view.cameraId} endpoint={endpoint} /> : null}
      {view.takenOver ? <TakenOverPanel cameraId={view.cameraId} message={view.takenOver} onTakeBack={() => void engine.start()} /> : null}
      {warning ? <p className="notice">{warning}</p> : null}
      {view.paused ? (
        <p className="notice" data-testid="capture-paused">
          Paused while this page is hidden (another tab or app is in front). Capture resumes when you come back.
        </p>
      ) : null}
      {view.notice && now - view.noticeAtMs < NOTICE_VISIBLE_MS ? (
        <p className="notice" data-testid="capture-notice">
          {view.notice}
        </p>
      ) : null}
      <div className="capture-grid">
        <div className="capture-main">
          <CapturePreview engine={engine} view={view} nowMs={now} />
          <CaptureStats view={view} />
        </div>
        <div className="capture-side">
          <CaptureSettingsPanel view={view} onSettings={changeSettings} onName={changeName} />
        </div>
      </div>
      <AckTable rows={view.rows} />
      <details className="panel diagnostics" data-testid="capture-diagnostics">
        <summary>Diagnostics</summary>
        <p className="muted small">
          gRPC-Web endpoint: <code>{endpoint ?? "not configured"}</code>; camera id <code>{view.cameraId}</code>; session{" "}
          <code>{view.sessionId ?? "-"}</code>.
        </p>
      </details>
    </div>
  );
}

/**
 * The server refused this device's credential: say in plain words how to
 * pair it, with the server's own words (status, Bearer) folded away for whoever
 * sets the system up.
 */
function UnpairedPanel({ refusal, cameraId, endpoint }: { readonly refusal: Refusal; readonly cameraId: string; readonly endpoint: string | null }) {
  const headline =
    refusal.code === "PERMISSION_DENIED"
      ? "This device is paired with another camera"
      : refusal.hadToken
        ? "This device's pairing is no longer valid"
        : "Pair this device to start counting";
  const why =
    refusal.code === "PERMISSION_DENIED"
      ? `Its pairing link is for another camera than ${cameraId}.`
      : refusal.hadToken
        ? "Its pairing link was revoked, or it is from another headcount server."
        : "The headcount server only counts with devices that were paired on its count page.";
  return (
    <section className="panel unpaired" role="alert" data-testid="capture-unpaired" data-code={refusal.code}>
      <h2>{headline}</h2>
      <p>{why}</p>
      <ol>
        <li>
          Open the count page&apos;s <a href="/#pair" data-testid="capture-unpaired-link">Pair a device</a> section (on this device or another one).
        </li>
        <li>Press Make pairing link, then open the link on this device, or scan its QR code with this phone.</li>
        <li>The capture page opens already paired: press Start.</li>
      </ol>
      <details data-testid="capture-unpaired-details">
        <summary>Details for whoever runs the server</summary>
        <p className="small">
          OpenSession at <code>{endpoint ?? "?"}</code> answered {refusal.code}: {refusal.message}. Capture needs the camera&apos;s
          pairing token or the server&apos;s shared capture token, sent as <code>authorization: Bearer &lt;token&gt;</code>.
        </p>
      </details>
    </section>
  );
}
