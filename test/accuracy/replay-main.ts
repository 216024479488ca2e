/**
 * Prints what the server would count on the recorded clips, against the hand
 * counts (see README.md in this folder):
 *
 *   node --import tsx test/accuracy/replay-main.ts                  # both clips, 10 and 5 fps
 *   node --import tsx test/accuracy/replay-main.ts vtest --fps 5
 *   node --import tsx test/accuracy/replay-main.ts --tracker '{"stitchMs":5000}'
 *
 * `--tracker` and `--counter` override fields of the IoU tracker's and the
 * people counter's configuration, to try a value before changing a default;
 * `--json` prints the results as JSON.
 */
import { parseArgs } from "node:util";
import { createPeopleCounter, type PeopleCounterConfig } from "../../server/src/count/people-counter.ts";
import { createIouTracker, type IouTrackerConfig } from "../../server/src/track/iou-tracker.ts";
import type { Places } from "../../server/src/count/count-types.ts";
import { clips, type ClipName } from "./recorded-detections.ts";
import { replayClip, serverTracking, type ReplayResult } from "./replay.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { fps: { type: "string" }, tracker: { type: "string" }, counter: { type: "string" }, json: { type: "boolean", default: false } },
});
const names = positionals.length > 0 ? positionals : Object.keys(clips);
for (const name of names) if (!(name in clips)) throw new Error(`unknown clip ${name}: use one of ${Object.keys(clips).join(", ")}`);
const rates = values.fps ? [Number(values.fps)] : [10, 5];
const base = serverTracking();
const trackerConfig = values.tracker ? (JSON.parse(values.tracker) as Partial<IouTrackerConfig>) : undefined;
const counterConfig = values.counter ? (JSON.parse(values.counter) as PeopleCounterConfig) : undefined;
const tracking = {
  createTracker: trackerConfig ? () => createIouTracker(trackerConfig) : base.createTracker,
  // Counts every crossing, as the server does by default.
  createCounter: counterConfig ? (places: Places) => createPeopleCounter({ everyCrossing: true, ...counterConfig, places }) : base.createCounter,
};

const results: ReplayResult[] = names.flatMap((name) => rates.map((fps) => replayClip(name as ClipName, fps, tracking)));
if (values.json) {
  console.log(JSON.stringify(results.map(({ inViewPerFrame: _, ...r }) => r), null, 1));
} else {
  for (const r of results) console.log(describe(r));
}

/** One clip and rate on one line, each count followed by its hand count. */
function describe(r: ReplayResult): string {
  const off = (got: number, want: number) => (want === 0 ? "" : ` ${got >= want ? "+" : ""}${Math.round(((got - want) / want) * 100)}%`);
  const view = `in view MAE ${r.inViewMae.toFixed(2)}, max ${r.maxInView}${r.truthMaxInView === undefined ? "" : ` (${r.truthMaxInView})`}`;
  const lines = r.lines.map((l) => `${l.name} in ${l.in} (${l.truth.in}${off(l.in, l.truth.in)}) out ${l.out} (${l.truth.out}${off(l.out, l.truth.out)})`);
  return [
    `${r.clip} ${r.fps} fps, ${r.frames} frames: entered ${r.entered}, exited ${r.exited} (${r.visits} visits by ${r.people} people${off(r.entered, r.visits)}); ${view}`,
    ...lines.map((l) => `  ${l}`),
  ].join("\n");
}
