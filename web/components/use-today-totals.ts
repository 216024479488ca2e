"use client";

import { useEffect, useRef, useState } from "react";
import { Bucket } from "@headcount/proto/count";
import type { Camera } from "@headcount/proto/count";
import { ChangeRefresher, historyKey } from "@/lib/count/change-refresher";
import type { HistoryClient } from "@/lib/count/history-client";
import { DAY_MS, localDayStart, viewerUtcOffsetMinutes } from "@/lib/count/series-range";
import { seriesTotals } from "@/lib/count/series-fill";
import { useNow } from "./use-now";

/** A camera's entries and exits since local midnight, or why they are unknown. */
export type TodayFigures =
  | { readonly ok: true; readonly entered: number; readonly exited: number }
  | { readonly ok: false; readonly message: string };

/**
 * "Entered today / left today" per camera: GetSeries with one DAY bucket from
 * local midnight, refetched (at most every few seconds) when the camera's
 * totals change, and when the day rolls over.
 */
export function useTodayTotals(history: HistoryClient | null, cameras: readonly Camera[] | null): ReadonlyMap<string, TodayFigures> {
  const [figures, setFigures] = useState<ReadonlyMap<string, TodayFigures>>(new Map());
  const [refresher, setRefresher] = useState<ChangeRefresher | null>(null);
  const sequence = useRef(new Map<string, number>());
  // The minute tick re-observes every camera, so midnight changes the key and refetches.
  const minute = useNow(60_000);

  useEffect(() => {
    if (!history) return;
    const created = new ChangeRefresher((cameraId) => {
      const seq = (sequence.current.get(cameraId) ?? 0) + 1;
      sequence.current.set(cameraId, seq);
      const offset = viewerUtcOffsetMinutes();
      const fromMs = localDayStart(Date.now(), offset);
      const range = { fromMs, toMs: fromMs + DAY_MS, bucket: Bucket.DAY, utcOffsetMinutes: offset, live: true };
      void history.series(cameraId, range).then((result) => {
        if (sequence.current.get(cameraId) !== seq) return;
        const next: TodayFigures = result.ok ? { ok: true, ...pick(seriesTotals(result.value)) } : { ok: false, message: result.message };
        setFigures((previous) => new Map(previous).set(cameraId, next));
      });
    });
    setRefresher(created);
    return () => created.stop();
  }, [history]);

  useEffect(() => {
    if (!refresher || !cameras) return;
    const day = localDayStart(Date.now(), viewerUtcOffsetMinutes());
    for (const camera of cameras) {
      // After a failure every snapshot counts as a change, so the figure is retried (at most every 5 s) once the server answers.
      const retry = figures.get(camera.cameraId)?.ok === false ? `|retry ${Date.now()}` : "";
      refresher.observe(camera.cameraId, `${historyKey(camera)}|${day}${retry}`);
    }
  }, [refresher, cameras, minute, figures]);

  return figures;
}

function pick(totals: { readonly entered: number; readonly exited: number }): { entered: number; exited: number } {
  return { entered: totals.entered, exited: totals.exited };
}
