"use client";

import { useEffect, useRef, useState } from "react";
import type { CountingLine } from "@headcount/proto/types";
import { LineDraftButtons } from "@/components/line-draft-buttons";
import { useLineDraft } from "@/components/use-line-draft";
import { useRerenderOnResize } from "@/components/use-rerender-on-resize";
import type { CaptureEngine } from "@/lib/capture/capture-engine";
import type { CaptureView } from "@/lib/capture/capture-view";
import { paintOverlay } from "@/lib/capture/overlay-painter";

/** Props of {@link CapturePreview}. */
export interface CapturePreviewProps {
  readonly engine: CaptureEngine;
  readonly view: CaptureView;
  /** Date.now(), refreshed by the page; boxes older than {@link BOX_MAX_AGE_MS} are not drawn. */
  readonly nowMs: number;
}

/** Boxes this old describe a scene that has moved on (link down, server stuck): hide them. */
const BOX_MAX_AGE_MS = 2_000;

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
    const fresh = view.peopleAtMs !== null && nowMs - view.peopleAtMs < BOX_MAX_AGE_MS;
    if (canvas) paintOverlay(canvas, { people: fresh ? view.people : [], line: view.line, draft: draftLine });
  });

  const beginEdit = (): void => {
    lineDraft.begin(view.line);
    setMessage("Drag across the preview from one end of the line to the other (or click both ends).");
  };
  const finish = async (line: CountingLine | null): Promise<void> => {
    setBusy(true);
    const error = await engine.saveLine(line);
    setBusy(false);
    setMessage(error ?? (line ? "Counting line saved." : "Counting line cleared."));
    if (!error) lineDraft.end();
  };
  const canSave = lineDraft.canSave;
  const ratio = view.videoSize ? view.videoSize.width / view.videoSize.height : 4 / 3;

  return (
    <section className="panel preview-panel" aria-label="Camera preview">
      <div className="preview" style={{ aspectRatio: String(ratio), width: `min(100%, calc(var(--preview-max-height) * ${ratio}))` }}>
        <video ref={videoRef} className="preview-video" muted playsInline autoPlay data-testid="preview-video" />
        {!view.running ? (
          <p className="preview-idle">{view.state === "error" ? "Camera unavailable" : "Camera off. Press Start."}</p>
        ) : null}
        <canvas
          ref={canvasRef}
          className={editing ? "preview-overlay editing" : "preview-overlay"}
          data-testid="preview-overlay"
          {...lineDraft.handlers}
        />
      </div>
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
          <button type="button" className="button" data-testid="line-edit" onClick={beginEdit}>
            Edit line
          </button>
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
