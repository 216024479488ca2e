"use client";

import { useEffect, useRef, useState } from "react";
import type { CountingLine } from "@headcount/proto/types";
import { LineDraftButtons } from "@/components/line-draft-buttons";
import { useLineDraft } from "@/components/use-line-draft";
import { useRerenderOnResize } from "@/components/use-rerender-on-resize";
import type { CaptureEngine } from "@/lib/capture/capture-engine";
import type { CaptureView } from "@/lib/capture/capture-view";
import { BOX_COLOR, TENTATIVE_COLOR, paintOverlay } from "@/lib/capture/overlay-painter";

/** Props of {@link CapturePreview}. */
export interface CapturePreviewProps {
  readonly engine: CaptureEngine;
  readonly view: CaptureView;
  /** Date.now(), refreshed by the page; boxes older than {@link BOX_MAX_AGE_MS} are not drawn. */
  readonly nowMs: number;
}

/** Boxes this old describe a scene that has moved on (link down, server stuck): hide them. */
const BOX_MAX_AGE_MS = 2_000;
/** "Counting line saved." disappears after this long. */
const MESSAGE_VISIBLE_MS = 4_000;

/**
 * The live camera with an overlay of the latest ack's people boxes and the
 * counting line, plus the line editor: drag from one end to the other (or
 * click both ends), choose the "in" side, Save.
 */
export function CapturePreview({ engine, view, nowMs }: CapturePreviewProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const lineDraft = useLineDraft();
  const { editing, draftLine } = lineDraft;
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A success message fades after a while; errors and editing hints stay until the next action.
  const [messageExpiry, setMessageExpiry] = useState<number | null>(null);
  useEffect(() => {
    if (messageExpiry === null) return;
    const timer = setTimeout(() => {
      setMessage(null);
      setMessageExpiry(null);
    }, Math.max(0, messageExpiry - Date.now()));
    return () => clearTimeout(timer);
  }, [messageExpiry]);
  // Bumped by a ResizeObserver only to repaint the overlay at its new size.

  useEffect(() => {
    const video = videoRef.current;
    engine.attachVideo(video);
    if (!video) return;
    const onSize = (): void => engine.noteVideoSize(video.videoWidth, video.videoHeight);
    video.addEventListener("loadedmetadata", onSize);
    video.addEventListener("resize", onSize);
    return () => {
      video.removeEventListener("loadedmetadata", onSize);
      video.removeEventListener("resize", onSize);
      engine.attachVideo(null);
    };
  }, [engine]);

  useRerenderOnResize(canvasRef);

  useEffect(() => {
    const canvas = canvasRef.current;
    // Boxes only over a live picture: none after Stop (the preview is dark) or while paused.
    const fresh = view.running && !view.paused && view.peopleAtMs !== null && nowMs - view.peopleAtMs < BOX_MAX_AGE_MS;
    const places = { ...view.places, zoneCounts: fresh ? view.zoneCounts : [] };
    if (canvas) paintOverlay(canvas, { people: fresh ? view.people : [], line: view.line, draft: draftLine, places });
  });

  const beginEdit = (): void => {
    setMessageExpiry(null);
    lineDraft.begin(view.line);
    setMessage("Drag across the preview from one end of the line to the other (or click both ends).");
  };
  const finish = async (line: CountingLine | null): Promise<void> => {
    setMessageExpiry(null);
    setBusy(true);
    const error = await engine.saveLine(line);
    setBusy(false);
    setMessage(error ?? (line ? "Counting line saved." : "Counting line cleared."));
    if (!error) {
      lineDraft.end();
      setMessageExpiry(Date.now() + MESSAGE_VISIBLE_MS);
    }
  };
  const canSave = lineDraft.canSave;
  const ratio = view.videoSize ? view.videoSize.width / view.videoSize.height : 4 / 3;

  return (
    <section className="panel preview-panel" aria-label="Camera preview">
      <div className="preview" style={{ aspectRatio: String(ratio), width: `min(100%, calc(var(--preview-max-height) * ${ratio}))` }}>
        <video ref={videoRef} className="preview-video" muted playsInline autoPlay data-testid="preview-video" />
        {!view.running ? (
          <p className="preview-idle">{view.refusal ? "Camera off: pair this device first." : view.state === "error" ? "Camera unavailable" : "Camera off. Press Start."}</p>
        ) : null}
        <canvas
          ref={canvasRef}
          className={editing ? "preview-overlay editing" : "preview-overlay"}
          data-testid="preview-overlay"
          data-places={`${view.places.lines.length + (view.line ? 1 : 0)} lines, ${view.places.zones.length} zones`}
          {...lineDraft.handlers}
        />
      </div>
      <p className="overlay-legend muted small" data-testid="overlay-legend">
        <span style={{ color: BOX_COLOR }}>
          <span className="swatch" aria-hidden="true" />
          #id: a tracked person (counted)
        </span>
        <span style={{ color: TENTATIVE_COLOR }}>
          <span className="swatch" aria-hidden="true" />
          no id: a detection not yet confirmed (not counted yet)
        </span>
      </p>
      <div className="line-tools">
        {editing ? (
          <LineDraftButtons
            canSave={canSave}
            busy={busy}
            onSwap={lineDraft.swapSide}
            onSave={() => void finish(draftLine)}
            onClear={() => void finish(null)}
            onCancel={() => {
              lineDraft.end();
              setMessage(null);
            }}
          />
        ) : (
          <>
            <button type="button" className="button" data-testid="line-edit" onClick={beginEdit}>
              Edit line
            </button>
            {/* Several named lines and zones are drawn on the camera's Manage page (it asks for the viewer password when one is set). */}
            <a className="button" data-testid="places-link" href={`/cameras/${encodeURIComponent(view.cameraId)}#places`}>
              More lines and zones…
            </a>
          </>
        )}
        {message ? (
          <span className="muted small" data-testid="line-message">
            {message}
          </span>
        ) : null}
      </div>
    </section>
  );
}
