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

import { useEffect, useState } from "react";
import { browserStore, loadCameraIdentity, saveCameraName } from "@/lib/capture/camera-identity";
import { CaptureEngine } from "@/lib/capture/capture-engine";
import { loadSettings } from "@/lib/capture/capture-settings";
import { takeLinkToken } from "@/lib/count/pairing-link";
import { resolveGrpcWebUrl } from "@/lib/grpc-web-url";
import type { GrpcWebSetting } from "@/lib/grpc-web-url";
import { CapturePanel, type CapturePanelProps } from "./capture-panel";

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


/** Builds the engine in the browser (it needs localStorage and `location`) and renders the page. */
export function CaptureClient({ grpcWeb, cameraParam, nameParam, autostart = false }: CaptureClientProps) {
  const [setup, setSetup] = useState<CapturePanelProps | null>(null);
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
