"use client";

import { useEffect, useSyncExternalStore } from "react";
import { secondsUntil } from "@/components/format";
import { useNow } from "@/components/use-now";
import { browserStore, saveCameraName } from "@/lib/capture/camera-identity";
import type { CaptureEngine } from "@/lib/capture/capture-engine";
import { sanitizeSettings, saveSettings } from "@/lib/capture/capture-settings";
import type { CaptureSettings } from "@/lib/capture/capture-settings";
import { AckTable } from "./ack-table";
import { CapturePreview } from "./capture-preview";
import { CaptureSettingsPanel } from "./capture-settings-panel";
import { CaptureStats } from "./capture-stats";
import { TakenOverPanel } from "./taken-over-panel";
import { UnpairedPanel } from "./unpaired-panel";

/** A notice (not an error) disappears this long after it was last raised. */
const NOTICE_VISIBLE_MS = 10_000;

/** Props of {@link CapturePanel}: the page's engine, built in the browser. */
export interface CapturePanelProps {
  readonly engine: CaptureEngine;
  /** Why the device's identity needs attention (e.g. a pairing link for another camera), or null. */
  readonly warning: string | null;
  /** The resolved gRPC-Web endpoint, or null when the configuration is invalid. */
  readonly endpoint: string | null;
}

/** The capture page once its engine exists: controls, state, preview, stats, settings and the ack table (hooks: see capture-client.tsx). */
export function CapturePanel({ engine, warning, endpoint }: CapturePanelProps) {
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
