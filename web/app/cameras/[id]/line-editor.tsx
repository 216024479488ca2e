"use client";

import { useEffect, useRef, useState } from "react";
import type { Camera } from "@headcount/proto/count";
import type { CountingLine } from "@headcount/proto/types";
import { LineDraftButtons } from "@/components/line-draft-buttons";
import { useLatestFrame } from "@/components/use-latest-frame";
import { useLineDraft } from "@/components/use-line-draft";
import { useRerenderOnResize } from "@/components/use-rerender-on-resize";
import { paintOverlay } from "@/lib/capture/overlay-painter";
import type { HistoryClient } from "@/lib/count/history-client";

/** Props of {@link LineEditor}. */
export interface LineEditorProps {
  readonly history: HistoryClient;
  readonly camera: Camera;
}

/**
 * The camera's counting line drawn on its latest frame (GetLatestFrame):
 * drag from one end to the other (or click both ends), swap the "in" side,
 * save (SetCountingLine) or clear. Same drawing and colours as the capture
 * page's preview. Test hooks are listed in camera-details.tsx.
 */
export function LineEditor({ history, camera }: LineEditorProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const lineDraft = useLineDraft();
  const { editing, draftLine } = lineDraft;
  const [message, setMessage] = useState<{ readonly text: string; readonly failed: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const cameraId = camera.cameraId;
  const savedLine = camera.line ?? null;

  const { frame, frameError, loadFrame } = useLatestFrame(history, cameraId, camera.online, editing);

  useRerenderOnResize(canvasRef);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (canvas) paintOverlay(canvas, { people: [], line: savedLine, draft: draftLine });
  });

  const save = async (line: CountingLine | null): Promise<void> => {
    setBusy(true);
    const result = await history.setLine(cameraId, line);
    setBusy(false);
    if (!result.ok) {
      setMessage({ text: result.message, failed: true });
      return;
    }
    lineDraft.end();
    setMessage({ text: line ? "Counting line saved; it applies from the camera's next frame." : "Counting line cleared.", failed: false });
  };
  const beginEdit = (): void => {
    lineDraft.begin(savedLine);
    setMessage({ text: "Drag across the picture from one end of the line to the other (or click both ends). The arrow points to the “in” side.", failed: false });
  };
  const ratio = frame ? frame.width / frame.height : 16 / 9;

  return (
    <section className="panel line-editor" aria-label="Counting line" data-testid="line-editor" data-line={savedLine ? "set" : "none"}>
      <div className="history-head">
        <h2>Counting line</h2>
        <span className="muted small">{savedLine ? "People crossing it are counted in and out." : "No line: only entries and exits are counted."}</span>
      </div>
      {frameError ? (
        <p className="notice" data-testid="line-frame-error">
          {frameError}
        </p>
      ) : null}
      <div className="preview" style={{ aspectRatio: String(ratio), width: `min(100%, calc(var(--preview-max-height) * ${ratio}))` }}>
        {frame ? (
          // An object URL of the JPEG the server sent; next/image would add nothing here.
          <img src={frame.url} alt={`Latest frame of ${camera.name || cameraId}`} className="preview-video" data-testid="line-frame" data-captured-at-ms={frame.capturedAtMs} />
        ) : (
          <p className="preview-idle">{frameError ? "No recent frame" : "Loading the latest frame…"}</p>
        )}
        <canvas ref={canvasRef} className={editing ? "preview-overlay editing" : "preview-overlay"} data-testid="line-overlay" {...lineDraft.handlers} />
      </div>
      <div className="line-tools">
        {editing ? (
          <LineDraftButtons
            canSave={lineDraft.canSave}
            busy={busy}
            onSwap={lineDraft.swapSide}
            onSave={() => void save(draftLine)}
            onClear={() => void save(null)}
            onCancel={() => {
              lineDraft.end();
              setMessage(null);
            }}
          />
        ) : (
          <>
            <button type="button" className="button" data-testid="line-edit" disabled={!frame} title={frame ? undefined : "Needs a recent frame: the camera must be capturing"} onClick={beginEdit}>
              {savedLine ? "Edit line" : "Draw line"}
            </button>
            {savedLine ? (
              <button type="button" className="button" data-testid="line-clear" disabled={busy} onClick={() => void save(null)}>
                Clear line
              </button>
            ) : null}
          </>
        )}
        <button type="button" className="button" data-testid="line-reload" onClick={() => void loadFrame()}>
          Reload frame
        </button>
        {frame ? <span className="muted small">frame of {new Date(frame.capturedAtMs).toLocaleTimeString()}</span> : null}
        {message ? (
          <span className={message.failed ? "alert small" : "muted small"} role={message.failed ? "alert" : "status"} data-testid="line-message">
            {message.text}
          </span>
        ) : null}
      </div>
    </section>
  );
}
