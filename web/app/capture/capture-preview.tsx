"use client";

import { useEffect, useRef, useState } from "react";
import type { PointerEvent } from "react";
import type { CaptureEngine } from "@/lib/capture/capture-engine";
import type { CaptureView } from "@/lib/capture/capture-view";
import { MIN_LINE_LENGTH, clampPoint, lineLength, makeLine } from "@/lib/capture/line-geometry";
import type { Point } from "@/lib/capture/line-geometry";
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

/** The line being drawn: the first point, and the second once there is one. */
interface Draft {
  readonly a: Point;
  readonly b: Point | null;
}

/**
 * The live camera with an overlay of the latest ack's people boxes and the
 * counting line, plus the line editor: drag from one end to the other (or
 * click both ends), choose the "in" side, Save.
 */
export function CapturePreview({ engine, view, nowMs }: CapturePreviewProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const dragging = useRef(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [inSideLeft, setInSideLeft] = useState(true);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Bumped by a ResizeObserver only to repaint the overlay at its new size.
  const [, setResizes] = useState(0);

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

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setResizes((n) => n + 1));
    observer.observe(canvas);
    return () => observer.disconnect();
  }, []);

  const draftLine = editing && draft ? makeLine(draft.a, draft.b ?? draft.a, inSideLeft) : null;
  useEffect(() => {
    const canvas = canvasRef.current;
    const fresh = view.peopleAtMs !== null && nowMs - view.peopleAtMs < BOX_MAX_AGE_MS;
    if (canvas) paintOverlay(canvas, { people: fresh ? view.people : [], line: view.line, draft: draftLine });
  });

  const pointFrom = (event: PointerEvent<HTMLCanvasElement>): Point => {
    const rect = event.currentTarget.getBoundingClientRect();
    return clampPoint({ x: (event.clientX - rect.left) / rect.width, y: (event.clientY - rect.top) / rect.height });
  };
  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (!editing) return;
    const point = pointFrom(event);
    if (draft && draft.b === null) {
      // Second click of the click-click way of drawing.
      setDraft({ a: draft.a, b: point });
      return;
    }
    dragging.current = true;
    event.currentTarget.setPointerCapture(event.pointerId);
    setDraft({ a: point, b: point });
  };
  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (editing && dragging.current && draft) setDraft({ a: draft.a, b: pointFrom(event) });
  };
  const onPointerUp = (event: PointerEvent<HTMLCanvasElement>): void => {
    if (!editing || !dragging.current || !draft) return;
    dragging.current = false;
    const b = pointFrom(event);
    const short = lineLength(makeLine(draft.a, b, inSideLeft)) < MIN_LINE_LENGTH;
    // A click (no real drag) keeps the first point and waits for the second click.
    setDraft({ a: draft.a, b: short ? null : b });
  };

  const beginEdit = (): void => {
    const line = view.line;
    setDraft(line ? { a: { x: line.ax, y: line.ay }, b: { x: line.bx, y: line.by } } : null);
    setInSideLeft(line?.inSideLeft ?? true);
    setMessage("Drag across the preview from one end of the line to the other (or click both ends).");
    setEditing(true);
  };
  const finish = async (line: ReturnType<typeof makeLine> | null): Promise<void> => {
    setBusy(true);
    const error = await engine.saveLine(line);
    setBusy(false);
    setMessage(error ?? (line ? "Counting line saved." : "Counting line cleared."));
    if (!error) setEditing(false);
  };
  const canSave = draftLine !== null && draft?.b != null && lineLength(draftLine) >= MIN_LINE_LENGTH;
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
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
        />
      </div>
      <div className="line-tools">
        {editing ? (
          <>
            <button type="button" className="button" data-testid="line-swap" onClick={() => setInSideLeft((left) => !left)}>
              Swap in side
            </button>
            <button type="button" className="button primary" data-testid="line-save" disabled={!canSave || busy} onClick={() => void finish(draftLine)}>
              Save line
            </button>
            <button type="button" className="button" data-testid="line-clear" disabled={busy} onClick={() => void finish(null)}>
              Clear line
            </button>
            <button type="button" className="button" data-testid="line-cancel" onClick={() => { setEditing(false); setMessage(null); }}>
              Cancel
            </button>
          </>
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
