import type uPlot from "uplot";
import { Bucket } from "@headcount/proto/count";
import { bucketMs } from "@/lib/count/series-range";

/** Series colours: entries green, exits rose, crossings in sky blue, out amber (the app's palette). */
const COLORS = { entered: "#22c55e", exited: "#f43f5e", crossedIn: "#38bdf8", crossedOut: "#f59e0b" } as const;
const AXIS_COLOR = "#94a3b8";
const GRID_COLOR = "#1e2b47";

/** The chart's height in CSS px (plot and axes, without the legend). */
export const CHART_HEIGHT = 240;

/** What shapes a chart: a new uPlot is built when one of these changes; otherwise only its data. */
export interface ChartShape {
  readonly bucket: Bucket;
  readonly withCrossings: boolean;
}

/** Bucket start → label for the legend: "14:37", "14:00–15:00" or "Wed 25 Nov". */
function bucketLabel(bucket: Bucket): (middleS: number) => string {
  const half = bucketMs(bucket) / 2;
  const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  const day = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
  return (middleS) => {
    const start = middleS * 1000 - half;
    if (bucket === Bucket.DAY) return day.format(start);
    if (bucket === Bucket.MINUTE) return `${day.format(start)} ${time.format(start)}`;
    return `${day.format(start)} ${time.format(start)}–${time.format(start + 2 * half)}`;
  };
}

/**
 * uPlot options: entries and exits as side-by-side bars inside each bucket,
 * crossings as markers over them; integer y ticks; x spanning the whole range
 * (read from `xRange` so a refetch that slides the range needs no rebuild).
 */
export function chartOptions(
  UPlot: typeof uPlot,
  width: number,
  shape: ChartShape,
  xRange: { current: [number, number] },
): uPlot.Options {
  const bars = UPlot.paths.bars;
  // Each bucket holds two bars: entries to the left of its middle, exits to the right.
  const leftBar = bars ? bars({ size: [0.42, 48, 1], align: -1 }) : undefined;
  const rightBar = bars ? bars({ size: [0.42, 48, 1], align: 1 }) : undefined;
  const label = bucketLabel(shape.bucket);
  // Empty while the pointer is off the chart: the legend then shows only its labels (CSS hides the colon).
  const count = (_self: uPlot, value: number | null): string => (value === null ? "" : String(value));
  const series: uPlot.Series[] = [
    { label: "time", value: (_self, value) => (value === null ? "" : label(value)) },
    // No outline (width 0): an empty bucket then draws nothing instead of a hairline at zero.
    { label: "entered", stroke: COLORS.entered, width: 0, fill: COLORS.entered, paths: leftBar, points: { show: false }, value: count },
    { label: "exited", stroke: COLORS.exited, width: 0, fill: COLORS.exited, paths: rightBar, points: { show: false }, value: count },
  ];
  if (shape.withCrossings) {
    // Crossings are markers at their count, only in buckets that have some: a line along zero would hide the bars' baseline.
    const nonZero: uPlot.Series.Points.Filter = (self, seriesIdx) => {
      const values = self.data[seriesIdx] ?? [];
      const shown: number[] = [];
      values.forEach((value, index) => {
        if ((value ?? 0) > 0) shown.push(index);
      });
      return shown;
    };
    const markers = (color: string): uPlot.Series => ({
      stroke: color,
      paths: () => null,
      points: { show: true, size: 10, width: 2, stroke: "#e2e8f0", fill: color, filter: nonZero },
      value: count,
    });
    series.push({ label: "crossed in", ...markers(COLORS.crossedIn) }, { label: "crossed out", ...markers(COLORS.crossedOut) });
  }
  const axis = { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR, width: 1 }, ticks: { stroke: GRID_COLOR, width: 1 } };
  return {
    width,
    height: CHART_HEIGHT,
    series,
    scales: {
      x: { time: true, range: () => xRange.current },
      // Never below 0..2, so a quiet range still shows a sensible grid.
      y: { range: (_self, _min, max) => [0, Math.max(2, Math.ceil(max * 1.1))] },
    },
    axes: [
      { ...axis },
      { ...axis, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000], values: (_self, ticks) => ticks.map((t) => String(t)) },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
}
