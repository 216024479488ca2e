"use client";

import { useEffect, useRef, useState } from "react";
import type { PointerEvent } from "react";
import type { Camera } from "@headcount/proto/count";
import type { NamedLine, Zone } from "@headcount/proto/types";
import { useLatestFrame } from "@/components/use-latest-frame";
import { useLineDraft } from "@/components/use-line-draft";
import { useRerenderOnResize } from "@/components/use-rerender-on-resize";
import { clampPoint, type Point } from "@/lib/capture/line-geometry";
import { paintOverlay } from "@/lib/capture/overlay-painter";
import type { HistoryClient } from "@/lib/count/history-client";
import { MAX_PLACES_EACH, MAX_ZONE_POINTS, MIN_ZONE_POINTS, placeIdFor } from "@/lib/count/place-ids";

/** Props of {@link PlacesEditor}. */
export interface PlacesEditorProps {
  readonly history: HistoryClient;
  readonly camera: Camera;
}

/** What is being drawn: a line or a zone, new (index null) or redrawn (moved). */
type Drawing = { readonly kind: "line"; readonly index: number | null } | { readonly kind: "zone"; readonly index: number | null; readonly points: readonly Point[] };

/**
 * The camera's named lines (up to 8, each with its "in" side) and zones (up
 * to 8 polygons of 3 to 12 points) drawn on its latest frame: add, rename,
 * redraw (move), delete, then save them all at once (SetPlaces). Test hooks:
 * `places-editor`, `places-overlay` (canvas), `place-add-line`,
 * `place-add-zone`, `place-swap`, `place-done`, `place-cancel`, `place-save`,
 * `place-message`, and per item `place-row` (data-kind, data-place-id) with
 * `place-name`, `place-redraw`, `place-delete`.
 */
export function PlacesEditor({ history, camera }: PlacesEditorProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [lines, setLines] = useState<NamedLine[]>(camera.lines);
  const [zones, setZones] = useState<Zone[]>(camera.zones);
  const [dirty, setDirty] = useState(false);
  const [drawing, setDrawing] = useState<Drawing | null>(null);
  const [message, setMessage] = useState<{ readonly text: string; readonly failed: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const lineDraft = useLineDraft();
  const { frame, frameError, loadFrame } = useLatestFrame(history, camera.cameraId, camera.online, drawing !== null);
  const saved = JSON.stringify([camera.lines, camera.zones]);
  // Follow what the server has until the user changes something here.
  useEffect(() => {
    if (dirty) return;
    const [l, z] = JSON.parse(saved) as [NamedLine[], Zone[]];
    setLines(l);
    setZones(z);
  }, [saved, dirty]);

  useRerenderOnResize(canvasRef);
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const shownLines = drawing?.kind === "line" && drawing.index !== null ? lines.filter((_, i) => i !== drawing.index) : lines;
    const shownZones = drawing?.kind === "zone" && drawing.index !== null ? zones.filter((_, i) => i !== drawing.index) : zones;
    paintOverlay(canvas, {
      people: [],
      line: null,
      draft: drawing?.kind === "line" ? lineDraft.draftLine : null,
      places: { lines: shownLines, zones: shownZones, zoneCounts: camera.zoneCounts, draftZone: drawing?.kind === "zone" ? drawing.points : null },
    });
  });

  const taken = () => new Set([...lines.map((l) => l.id), ...zones.map((z) => z.id)]);
  const change = (nextLines: NamedLine[], nextZones: Zone[]) => {
    setLines(nextLines);
    setZones(nextZones);
    setDirty(true);
  };
  const startLine = (index: number | null) => {
    lineDraft.begin(index === null ? null : lines[index]!.line);
    setDrawing({ kind: "line", index });
    setMessage({ text: "Drag across the picture from one end of the line to the other (or click both ends); swap the “in” side if needed, then Done.", failed: false });
  };
  const startZone = (index: number | null) => {
    setDrawing({ kind: "zone", index, points: [] });
    setMessage({ text: `Click the corners of the zone (${MIN_ZONE_POINTS} to ${MAX_ZONE_POINTS}), then Done.`, failed: false });
  };
  const onZonePoint = (event: PointerEvent<HTMLCanvasElement>) => {
    if (drawing?.kind !== "zone" || drawing.points.length >= MAX_ZONE_POINTS) return;
    const rect = event.currentTarget.getBoundingClientRect();
    const p = clampPoint({ x: (event.clientX - rect.left) / rect.width, y: (event.clientY - rect.top) / rect.height });
    setDrawing({ ...drawing, points: [...drawing.points, p] });
  };
  const canFinish = drawing?.kind === "line" ? lineDraft.canSave : drawing?.kind === "zone" ? drawing.points.length >= MIN_ZONE_POINTS : false;
  const finish = () => {
    if (!drawing || !canFinish) return;
    if (drawing.kind === "line") {
      const line = lineDraft.draftLine!;
      if (drawing.index === null) {
        const name = `Line ${lines.length + 1}`;
        change([...lines, { id: placeIdFor(name, taken(), "line"), name, line }], zones);
      } else change(lines.map((l, i) => (i === drawing.index ? { ...l, line } : l)), zones);
      lineDraft.end();
    } else {
      const points = [...drawing.points];
      if (drawing.index === null) {
        const name = `Zone ${zones.length + 1}`;
        change(lines, [...zones, { id: placeIdFor(name, taken(), "zone"), name, points }]);
      } else change(lines, zones.map((z, i) => (i === drawing.index ? { ...z, points } : z)));
    }
    setDrawing(null);
    setMessage({ text: "Not saved yet: rename it if you like, then Save lines and zones.", failed: false });
  };
  const cancel = () => {
    lineDraft.end();
    setDrawing(null);
    setMessage(null);
  };
  const save = async () => {
    setBusy(true);
    const result = await history.setPlaces(camera.cameraId, lines, zones);
    setBusy(false);
    if (!result.ok) {
      setMessage({ text: result.message, failed: true });
      return;
    }
    setDirty(false);
    setMessage({ text: "Lines and zones saved; they apply from the camera's next frame.", failed: false });
  };
  const ratio = frame ? frame.width / frame.height : 16 / 9;
  const handlers = drawing?.kind === "line" ? lineDraft.handlers : { onPointerDown: onZonePoint };
  const rows = [...lines.map((l, i) => ({ kind: "line" as const, index: i, id: l.id, name: l.name })), ...zones.map((z, i) => ({ kind: "zone" as const, index: i, id: z.id, name: z.name }))];
  const rename = (kind: "line" | "zone", index: number, name: string) =>
    kind === "line" ? change(lines.map((l, i) => (i === index ? { ...l, name } : l)), zones) : change(lines, zones.map((z, i) => (i === index ? { ...z, name } : z)));
  const remove = (kind: "line" | "zone", index: number) =>
    kind === "line" ? change(lines.filter((_, i) => i !== index), zones) : change(lines, zones.filter((_, i) => i !== index));

  return (
    <section id="places" className="panel line-editor" aria-label="Lines and zones" data-testid="places-editor" data-dirty={dirty ? "yes" : "no"}>
      <div className="history-head">
        <h2>Lines and zones</h2>
        <span className="muted small">Each line counts crossings in and out; each zone counts who is in it, who entered and left, and how long they stayed.</span>
      </div>
      {frameError ? <p className="notice">{frameError}</p> : null}
      <div className="preview" style={{ aspectRatio: String(ratio), width: `min(100%, calc(var(--preview-max-height) * ${ratio}))` }}>
        {frame ? (
          <img src={frame.url} alt={`Latest frame of ${camera.name || camera.cameraId}`} className="preview-video" />
        ) : (
          <p className="preview-idle">{frameError ? "No recent frame" : "Loading the latest frame…"}</p>
        )}
        <canvas ref={canvasRef} className={drawing ? "preview-overlay editing" : "preview-overlay"} data-testid="places-overlay" {...(drawing ? handlers : {})} />
      </div>
      <div className="line-tools">
        {drawing ? (
          <>
            {drawing.kind === "line" ? (
              <button type="button" className="button" data-testid="place-swap" onClick={lineDraft.swapSide}>
                Swap in side
              </button>
            ) : null}
            <button type="button" className="button primary" data-testid="place-done" disabled={!canFinish} onClick={finish}>
              Done
            </button>
            <button type="button" className="button" data-testid="place-cancel" onClick={cancel}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button" data-testid="place-add-line" disabled={!frame || lines.length >= MAX_PLACES_EACH} onClick={() => startLine(null)}>
              Add line
            </button>
            <button type="button" className="button" data-testid="place-add-zone" disabled={!frame || zones.length >= MAX_PLACES_EACH} onClick={() => startZone(null)}>
              Add zone
            </button>
            <button type="button" className="button primary" data-testid="place-save" disabled={!dirty || busy} onClick={() => void save()}>
              Save lines and zones
            </button>
            <button type="button" className="button" onClick={() => void loadFrame()}>
              Reload frame
            </button>
          </>
        )}
        {message ? (
          <span className={message.failed ? "alert small" : "muted small"} role={message.failed ? "alert" : "status"} data-testid="place-message">
            {message.text}
          </span>
        ) : null}
      </div>
      <ul className="place-list">
        {rows.map((row) => (
          <li key={`${row.kind}-${row.id}`} data-testid="place-row" data-kind={row.kind} data-place-id={row.id}>
            <span className="muted small">{row.kind}</span>
            <input
              type="text"
              data-testid="place-name"
              aria-label={`Name of ${row.kind} ${row.id}`}
              value={row.name}
              maxLength={80}
              disabled={drawing !== null}
              onChange={(e) => rename(row.kind, row.index, e.target.value)}
            />
            <button type="button" className="button" data-testid="place-redraw" disabled={!frame || drawing !== null} onClick={() => (row.kind === "line" ? startLine(row.index) : startZone(row.index))}>
              Redraw
            </button>
            <button type="button" className="button" data-testid="place-delete" disabled={drawing !== null} onClick={() => remove(row.kind, row.index)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
