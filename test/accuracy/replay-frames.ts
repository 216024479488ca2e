/**
 * Follows the vtest replay frame by frame (see README.md in this folder): the
 * tracks and the detections each took, over a range of frames, and every
 * line's crossings set against the hand count (missed and extra ones, by
 * frame), with the entries:
 *
 *   node --import tsx test/accuracy/replay-frames.ts --frames 745-755
 *   node --import tsx test/accuracy/replay-frames.ts --fps 5 --tracker '{"pairSwapRatio":0}'
 *
 * Frames are the clip's own (1-based at 10 fps), as in the hand counts. A
 * counted crossing is paired with the hand-counted one of the same direction
 * nearest in time, up to `--within` frames away (default 12): the pairing is
 * a guide to which frames to look at, not a measure.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createPeopleCounter, type PeopleCounterConfig } from "../../server/src/count/people-counter.ts";
import { createIouTracker, type IouTrackerConfig } from "../../server/src/track/iou-tracker.ts";
import type { Detection } from "../../server/src/detect/detector.ts";
import type { TrackUpdate } from "../../server/src/track/track-types.ts";
import { repoRoot } from "../support/paths.ts";
import { clips, loadRecording, loadTruth } from "./recorded-detections.ts";

interface Crossing {
  readonly frame: number;
  readonly dir: "in" | "out";
  readonly who: string;
}

const { values } = parseArgs({
  options: {
    fps: { type: "string", default: "10" },
    frames: { type: "string" },
    within: { type: "string", default: "12" },
    tracker: { type: "string" },
    counter: { type: "string" },
  },
});
const fps = Number(values.fps);
const [from, to] = (values.frames ?? "0-0").split("-").map(Number) as [number, number];
const trackerConfig = values.tracker ? (JSON.parse(values.tracker) as Partial<IouTrackerConfig>) : {};
const counterConfig = values.counter ? (JSON.parse(values.counter) as PeopleCounterConfig) : {};

const truth = loadTruth("vtest");
const tracker = createIouTracker(trackerConfig);
const counters = truth.lines.map((l) =>
  createPeopleCounter({ everyCrossing: true, ...counterConfig, line: { ax: l.ax, ay: l.ay, bx: l.bx, by: l.by, inSideLeft: true } }),
);
const counted = truth.lines.map((): Array<Crossing> => []);
const entries: string[] = [];
const f3 = (v: number) => v.toFixed(3);

loadRecording("vtest", fps).frames.forEach((detections, i) => {
  const frame = Math.round((i * clips.vtest.sourceFps) / fps) + 1;
  const update = tracker.update(detections, Math.round((i * 1000) / fps));
  counters.forEach((counter, l) => {
    for (const e of counter.update(update).events) {
      if (e.kind === "cross_in" || e.kind === "cross_out") counted[l]!.push({ frame, dir: e.kind === "cross_in" ? "in" : "out", who: `#${e.trackId}` });
      else if (l === 0 && e.kind === "entry") entries.push(`F${frame} #${e.trackId}`);
    }
  });
  if (frame >= from && frame <= to) console.log(describeFrame(frame, detections, update));
});

for (const [l, line] of truth.lines.entries()) {
  const { missed, extra } = pair(handCrossings(line.name), counted[l]!, Number(values.within));
  const n = (dir: string) => counted[l]!.filter((c) => c.dir === dir).length;
  console.log(`${line.name}: in ${n("in")} (${line.truth.in}), out ${n("out")} (${line.truth.out})`);
  console.log(`  missed: ${missed.map((c) => `${c.dir} F${c.frame} ${c.who}`).join(", ") || "none"}`);
  console.log(`  extra: ${extra.map((c) => `${c.dir} F${c.frame} ${c.who}`).join(", ") || "none"}`);
}
console.log(`entries ${entries.length}: ${entries.join(", ")}`);

/** One frame: each detection with the track it went to (0: none), then each track with its feet and height. */
function describeFrame(frame: number, detections: readonly Detection[], u: TrackUpdate): string {
  const dets = detections.map((d, k) => `  box x ${f3(d.x)} y ${f3(d.y)} ${f3(d.width)} x ${f3(d.height)} score ${d.score.toFixed(2)} -> ${u.assignments[k]}`);
  const tracks = u.tracks.map((t) => {
    const b = t.box;
    return `  track ${t.id}${t.confirmed ? "" : " (tentative)"}${t.misses > 0 ? ` missed ${t.misses}` : ""}: feet ${f3(b.x + b.width / 2)}, ${f3(b.y + b.height)}, height ${f3(b.height)}`;
  });
  return [`F${frame}`, ...dets, ...tracks].join("\n");
}

/** The hand-counted crossings of a line, "in" being into its left side (as the counter's crossed_in). */
function handCrossings(name: string): Crossing[] {
  const fixture = (file: string) => JSON.parse(readFileSync(join(repoRoot, "test/fixtures", file), "utf8"));
  if (name === "vertical") {
    const v = fixture("vtest.annotation.json") as { crossings: Array<{ frame: number; direction: string; who: string }> };
    return v.crossings.map((c) => ({ frame: c.frame, dir: c.direction === "left_to_right" ? "in" : "out", who: c.who.slice(0, 3) }));
  }
  const crowd = fixture("vtest.crowd.annotation.json") as { lines: Array<{ name: string; crossings: Array<{ frame: number; direction: "in" | "out"; who: string }> }> };
  return crowd.lines.find((l) => l.name === name)!.crossings.map((c) => ({ frame: c.frame, dir: c.direction, who: c.who }));
}

/** Pairs each hand-counted crossing with the nearest counted one of the same direction within `within` frames. */
function pair(hand: readonly Crossing[], got: readonly Crossing[], within: number): { missed: Crossing[]; extra: Crossing[] } {
  const left = [...got];
  const missed = hand.filter((h) => {
    let best = -1;
    left.forEach((c, k) => {
      const gap = Math.abs(c.frame - h.frame);
      if (c.dir === h.dir && gap <= within && (best === -1 || gap < Math.abs(left[best]!.frame - h.frame))) best = k;
    });
    if (best === -1) return true;
    left.splice(best, 1);
    return false;
  });
  return { missed, extra: left };
}
