"use client";

import type { Area } from "@headcount/proto/area";
import { AreaOptions } from "./areas/area-options";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Camera, SeriesPoint } from "@headcount/proto/count";
import { ChangeRefresher, selectionKey } from "@/lib/count/change-refresher";
import type { HistoryClient, SeriesPlace } from "@/lib/count/history-client";
import { fillSeries, seriesTotals } from "@/lib/count/series-fill";
import { RANGE_PRESETS, formatLocalDateTime, resolveRange, viewerUtcOffsetMinutes } from "@/lib/count/series-range";
import type { RangeChoice, RangePreset, ResolvedRange } from "@/lib/count/series-range";
import { EventLog } from "./event-log";
import type { EventLogRequest } from "./event-log";
import { ExportButtons } from "./export-buttons";
import { SeriesChart } from "./series-chart";

/** Props of {@link HistoryPanel}. */
export interface HistoryPanelProps {
  readonly history: HistoryClient;
  readonly cameras: readonly Camera[];
  /** The camera page's camera; without it the panel offers "All cameras" and each camera. */
  readonly fixedCameraId?: string;
  /** Areas to offer as well (their doors' history). */
  readonly areas?: readonly Area[];
}

interface Loaded {
  readonly range: ResolvedRange;
  readonly points: readonly SeriesPoint[] | null;
  readonly error: string | null;
  readonly log: EventLogRequest;
}

/** Presets that follow the clock are refetched this often even when no count changes (the window slides). */
const SLIDE_REFRESH_MS = 60_000;

/**
 * Counts over time for all cameras or one: range and camera choice, the
 * chart, totals of the range, export buttons and the event log. Refetched on
 * every choice, when WatchCounts shows the selection's totals changed (at
 * most every 5 s), and every minute for the presets. Test hooks:
 * `history-camera` (select, "" = all), `range-select` (hour | today | week |
 * custom), `range-from`, `range-to` (datetime-local), `range-apply`,
 * `history-error`, `history-totals` (`data-entered`, `data-exited`,
 * `data-crossed-in`, `data-crossed-out`); see SeriesChart, ExportButtons, EventLog.
 */
export function HistoryPanel({ history, cameras, fixedCameraId, areas = [] }: HistoryPanelProps) {
  const [pickedCamera, setPickedCamera] = useState("");
  const cameraId = fixedCameraId ?? pickedCamera;
  // "" for the camera's own counts, else "line:<id>" or "zone:<id>" (only with one camera picked).
  const [pickedPlace, setPickedPlace] = useState("");
  const place = cameraId ? pickedPlace : "";
  const [choice, setChoice] = useState<RangeChoice>({ preset: "today", customFrom: "", customTo: "" });
  const [draft, setDraft] = useState({ from: "", to: "" });
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState(true);
  const selectionId = `${cameraId}|${choice.preset}|${choice.customFrom}|${choice.customTo}|${place}`;
  const current = useRef({ cameraId, choice, selectionId });
  current.current = { cameraId, choice, selectionId };
  const sequence = useRef(0);

  const refresher = useMemo(
    () =>
      new ChangeRefresher((id) => {
        const selection = current.current;
        if (id !== selection.selectionId) return;
        const seq = ++sequence.current;
        const resolved = resolveRange(selection.choice, Date.now(), viewerUtcOffsetMinutes());
        if (!resolved.ok) {
          setLoading(false);
          setLoaded(null);
          return;
        }
        const { range } = resolved;
        setLoading(true);
        void history.series(selection.cameraId, range, undefined, placeOf(selection.selectionId)).then((result) => {
          if (seq !== sequence.current) return;
          setLoading(false);
          const log = { selectionId: selection.selectionId, cameraId: selection.cameraId, range };
          setLoaded((previous) => ({
            range,
            // A failed refresh keeps the last chart of the same selection, with the error above it.
            points: result.ok ? fillSeries(result.value, range) : previous?.log.selectionId === selection.selectionId ? previous.points : null,
            error: result.ok ? null : result.message,
            log,
          }));
        });
      }),
    [history],
  );
  useEffect(() => () => refresher.stop(), [refresher]);

  // After a failed load, every snapshot (proof the server answers again) is a change: retried at most every 5 s.
  const failed = loaded !== null && loaded.log.selectionId === selectionId && loaded.error !== null;
  const key = selectionKey(cameras, cameraId);
  useEffect(() => refresher.observe(selectionId, failed ? `${key}|retry ${Date.now()}` : key), [refresher, selectionId, key, failed, cameras]);
  useEffect(() => () => refresher.forget(selectionId), [refresher, selectionId]);
  useEffect(() => {
    if (choice.preset === "custom") return;
    const timer = setInterval(() => refresher.trigger(selectionId), SLIDE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresher, selectionId, choice.preset]);

  const pickPreset = (preset: RangePreset): void => {
    if (preset === "custom") {
      // Start the custom range from what is shown, so editing one end is enough.
      const offset = viewerUtcOffsetMinutes();
      const shown = loaded?.range ?? null;
      const now = Date.now();
      const from = formatLocalDateTime(shown?.fromMs ?? now - 3_600_000, offset);
      const to = formatLocalDateTime(Math.min(shown?.toMs ?? now, now + 60_000), offset);
      setDraft({ from, to });
      setChoice({ preset, customFrom: from, customTo: to });
      return;
    }
    setChoice({ preset, customFrom: "", customTo: "" });
  };
  const resolvedNow = resolveRange(choice, Date.now(), viewerUtcOffsetMinutes());
  const rangeProblem = resolvedNow.ok ? null : resolvedNow.message;

  const selected = cameraId ? cameras.find((camera) => camera.cameraId === cameraId) : undefined;
  const shown = loaded && loaded.log.selectionId === selectionId ? loaded : null;
  const totals = seriesTotals(shown?.points ?? []);
  const hasLine = cameraId ? selected?.line !== undefined : cameras.some((camera) => camera.line !== undefined);
  const withCrossings = hasLine || totals.crossedIn + totals.crossedOut > 0;
  const cameraNames = useMemo(() => new Map(cameras.map((camera) => [camera.cameraId, camera.name])), [cameras]);
  const error = rangeProblem ?? shown?.error ?? null;

  return (
    <>
      <section className="panel history" aria-label="Counts over time" data-testid="history" data-camera-id={cameraId}>
        <div className="history-head">
          <h2>Counts over time{cameraId ? "" : ", all cameras"}</h2>
          <div className="history-controls">
            {fixedCameraId === undefined ? (
              <select aria-label="Camera" data-testid="history-camera" value={pickedCamera} onChange={(event) => (setPickedCamera(event.target.value), setPickedPlace(""))}>
                <option value="">All cameras</option>
                <AreaOptions areas={areas} />
                {cameras.map((camera) => (
                  <option key={camera.cameraId} value={camera.cameraId}>
                    {camera.name || camera.cameraId}
                  </option>
                ))}
              </select>
            ) : null}
            {selected && selected.lines.length + selected.zones.length > 0 ? (
              <select aria-label="Line or zone" data-testid="history-place" value={place} onChange={(event) => setPickedPlace(event.target.value)}>
                <option value="">Whole camera</option>
                {selected.lines.map((l) => (
                  <option key={`line:${l.id}`} value={`line:${l.id}`}>
                    Line: {l.name}
                  </option>
                ))}
                {selected.zones.map((z) => (
                  <option key={`zone:${z.id}`} value={`zone:${z.id}`}>
                    Zone: {z.name}
                  </option>
                ))}
              </select>
            ) : null}
            <select aria-label="Range" data-testid="range-select" value={choice.preset} onChange={(event) => pickPreset(event.target.value as RangePreset)}>
              {RANGE_PRESETS.map((preset) => (
                <option key={preset.value} value={preset.value}>
                  {preset.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {choice.preset === "custom" ? (
          <form
            className="custom-range"
            onSubmit={(event) => {
              event.preventDefault();
              setChoice({ preset: "custom", customFrom: draft.from, customTo: draft.to });
            }}
          >
            <label>
              from <input type="datetime-local" data-testid="range-from" value={draft.from} onChange={(event) => setDraft({ ...draft, from: event.target.value })} />
            </label>
            <label>
              to <input type="datetime-local" data-testid="range-to" value={draft.to} onChange={(event) => setDraft({ ...draft, to: event.target.value })} />
            </label>
            <button type="submit" className="button" data-testid="range-apply">
              Show
            </button>
          </form>
        ) : null}
        {error ? (
          <p className="alert" role="alert" data-testid="history-error">
            {error}
          </p>
        ) : null}
        <SeriesChart points={shown?.points ?? null} range={shown?.range ?? null} withCrossings={withCrossings} state={!shown ? (loading ? "loading" : "error") : shown.error ? "error" : "ready"} />
        <p
          className="history-totals small"
          data-testid="history-totals"
          data-entered={totals.entered}
          data-exited={totals.exited}
          data-crossed-in={totals.crossedIn}
          data-crossed-out={totals.crossedOut}
        >
          In this range: <strong>{totals.entered}</strong> entered, <strong>{totals.exited}</strong> exited
          {withCrossings ? (
            <>
              , <strong>{totals.crossedIn}</strong> crossed in, <strong>{totals.crossedOut}</strong> crossed out
            </>
          ) : null}
          {loading ? <span className="muted"> · updating…</span> : null}
        </p>
        <ExportButtons history={history} cameraId={cameraId} place={placeOf(selectionId)} resolveRange={() => resolveRange(current.current.choice, Date.now(), viewerUtcOffsetMinutes())} />
      </section>
      <EventLog history={history} request={shown?.log ?? null} cameraNames={cameraNames} />
    </>
  );
}

/** The line or zone of a selection id (its last part), for GetSeries and the series export. */
function placeOf(selectionId: string): SeriesPlace | undefined {
  const place = selectionId.slice(selectionId.lastIndexOf("|") + 1);
  if (place.startsWith("line:")) return { lineId: place.slice(5) };
  if (place.startsWith("zone:")) return { zoneId: place.slice(5) };
  return undefined;
}
