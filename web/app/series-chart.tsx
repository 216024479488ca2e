"use client";

import "uplot/dist/uPlot.min.css";
import { useEffect, useRef, useState } from "react";
import type uPlot from "uplot";
import type { SeriesPoint } from "@headcount/proto/count";
import { chartColumns, countNonZero } from "@/lib/count/series-fill";
import { bucketMs, bucketName } from "@/lib/count/series-range";
import type { ResolvedRange } from "@/lib/count/series-range";
import { CHART_HEIGHT, chartOptions } from "./series-chart-options";

/** Props of {@link SeriesChart}. */
export interface SeriesChartProps {
  /** Every bucket of the range (filled with zeros), or null before the first answer. */
  readonly points: readonly SeriesPoint[] | null;
  readonly range: ResolvedRange | null;
  /** Also draw crossings in and out (the camera has a line, or the range holds crossings). */
  readonly withCrossings: boolean;
  /** loading | ready | error, for `data-state`. */
  readonly state: "loading" | "ready" | "error";
}

/**
 * Entries and exits (and crossings) over time, drawn by uPlot in the browser
 * only: uPlot needs a DOM, so it is imported inside an effect. The container
 * is `data-testid="chart"` with `data-points` (non-zero buckets drawn),
 * `data-buckets`, `data-bucket` (minute | hour | day), `data-from-ms`,
 * `data-to-ms` and `data-state`.
 */
export function SeriesChart({ points, range, withCrossings, state }: SeriesChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shapeKey = useRef("");
  const xRange = useRef<[number, number]>([0, 1]);
  const [drawn, setDrawn] = useState<{ readonly points: number; readonly buckets: number } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    if (!points || !range) {
      // Nothing to show for this choice (yet, or it failed): an old chart under a new choice would mislead.
      plot.current?.destroy();
      plot.current = null;
      shapeKey.current = "";
      setDrawn(null);
      return;
    }
    let cancelled = false;
    import("uplot")
      .then(({ default: UPlot }) => {
        if (cancelled) return;
        xRange.current = [range.fromMs / 1000, range.toMs / 1000];
        const data = chartColumns(points, bucketMs(range.bucket), withCrossings) as uPlot.AlignedData;
        const key = `${range.bucket}|${withCrossings}`;
        if (plot.current && shapeKey.current === key) {
          plot.current.setData(data);
        } else {
          plot.current?.destroy();
          const width = Math.max(200, element.clientWidth);
          plot.current = new UPlot(chartOptions(UPlot, width, { bucket: range.bucket, withCrossings }, xRange), data, element);
          shapeKey.current = key;
        }
        setFailure(null);
        setDrawn({ points: countNonZero(points), buckets: points.length });
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailure(`The chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
      });
    return () => {
      cancelled = true;
    };
  }, [points, range, withCrossings]);

  useEffect(() => {
    const element = holder.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, element.clientWidth);
      if (plot.current && Math.abs(plot.current.width - width) > 1) plot.current.setSize({ width, height: CHART_HEIGHT });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  return (
    <div className="chart-wrap">
      <div
        ref={holder}
        className="chart"
        data-testid="chart"
        data-points={drawn?.points ?? 0}
        data-buckets={drawn?.buckets ?? 0}
        data-bucket={range ? bucketName(range.bucket) : ""}
        data-from-ms={range?.fromMs ?? ""}
        data-to-ms={range?.toMs ?? ""}
        data-state={failure ? "error" : state}
        style={{ minHeight: CHART_HEIGHT }}
      />
      {failure ? (
        <p className="alert" role="alert">
          {failure}
        </p>
      ) : null}
      {drawn && drawn.points === 0 && state === "ready" ? <p className="chart-empty muted small">No counts in this range.</p> : null}
      {!drawn && state === "loading" ? <p className="chart-empty muted small">Loading…</p> : null}
    </div>
  );
}
