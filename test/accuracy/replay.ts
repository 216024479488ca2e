/**
 * The accuracy replay: recorded detections (`recorded-detections.ts`) fed to
 * the server's own tracking stages (`SessionTracking` with the factory
 * `app.ts` builds), frame by frame with the CLI sender's frame times. No
 * detector, no gRPC: a clip replays in well under a second, so a tracker or
 * counter change is measured on both clips and both rates in seconds.
 */
import type { Detection } from "../../server/src/detect/detector.ts";
import { defaultTracking } from "../../server/src/app.ts";
import { loadConfig } from "../../server/src/config.ts";
import type { LiveTracks } from "../../server/src/motion/motion-gate.ts";
import { SessionTracking, type TrackingFactory } from "../../server/src/pipeline/session-tracking.ts";
import { placesOfLine as placesOf } from "../../server/src/count/people-counter.ts";
import { clips, loadRecording, loadTruth, sentIndex, type ClipName, type NamedLine } from "./recorded-detections.ts";

/** Crossings of one line: counted, and by hand. */
export interface LineResult {
  readonly name: string;
  readonly in: number;
  readonly out: number;
  readonly truth: { readonly in: number; readonly out: number };
}

/** What the counter said at the end of a replay, and how it compares with the truth. */
export interface ReplayResult {
  readonly clip: ClipName;
  readonly fps: number;
  readonly frames: number;
  /** Frames the detector ran on (all of them without a motion gate). */
  readonly detected: number;
  readonly entered: number;
  readonly exited: number;
  /** Distinct people, and their visits (walks into the picture), by hand. */
  readonly people: number;
  readonly visits: number;
  readonly maxInView: number;
  readonly truthMaxInView: number | undefined;
  /** Mean absolute error of people in view over the hand-counted frames sent at this rate. */
  readonly inViewMae: number;
  readonly inViewPerFrame: readonly number[];
  readonly lines: readonly LineResult[];
}

/** Capture times as the CLI sends them: wall clock at the start plus the frame's video time. */
const START_MS = Date.UTC(2026, 0, 1);

/** The server's tracking stages with its default configuration. */
export function serverTracking(): TrackingFactory {
  return defaultTracking(loadConfig({}, {}));
}

/**
 * Whether the detector runs on frame `index` (the motion gate, `gated-replay.ts`),
 * told whether tracks are alive. Without one, every frame is detected.
 */
export type DetectGate = (index: number, timeMs: number, tracks: LiveTracks) => boolean;

/**
 * Replays `frames` (detections per frame at `fps`) through one session of
 * `tracking` per line (the counts without a line come from the first), as
 * the server would count them. A frame `gate` refuses is skipped as the
 * pipeline skips it: the tracker is not told, the counts stay.
 */
export function replayFrames(
  frames: readonly (readonly Detection[])[], fps: number, lines: readonly NamedLine[], tracking: TrackingFactory = serverTracking(), gate?: DetectGate,
): { entered: number; exited: number; inViewPerFrame: number[]; crossings: Array<{ in: number; out: number }>; detected: number } {
  const sessions = lines.length > 0 ? lines : [undefined];
  const stages = new SessionTracking(tracking);
  const inViewPerFrame: number[] = [];
  const last = sessions.map(() => ({ inView: 0, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 }));
  let detected = 0;
  frames.forEach((detections, i) => {
    const timeMs = START_MS + Math.round((i * 1000) / fps);
    // Every line's session sees the same detections through the same tracker: their tracks agree.
    if (gate && !gate(i, timeMs, stages.liveTracks("line-0"))) {
      sessions.forEach((_, s) => stages.skip(`line-${s}`, timeMs));
      inViewPerFrame.push(last[0]!.inView);
      return;
    }
    detected++;
    sessions.forEach((l, s) => {
      const line = l ? { ax: l.ax, ay: l.ay, bx: l.bx, by: l.by, inSideLeft: true } : null;
      const { totals } = stages.step(`line-${s}`, placesOf(line), detections, timeMs).counted;
      last[s] = totals;
      if (s === 0) inViewPerFrame.push(totals.inView);
    });
  });
  return {
    entered: last[0]!.entered,
    exited: last[0]!.exited,
    inViewPerFrame,
    crossings: lines.map((_, s) => ({ in: last[s]!.crossedIn, out: last[s]!.crossedOut })),
    detected,
  };
}

/** Replays a clip's recording at `fps` and compares it with the clip's truth. */
export function replayClip(clip: ClipName, fps: number, tracking?: TrackingFactory, gate?: DetectGate): ReplayResult {
  const { frames } = loadRecording(clip, fps);
  const truth = loadTruth(clip);
  const run = replayFrames(frames, fps, truth.lines, tracking, gate);
  const errors = truth.inView.flatMap(({ frame, count }) => {
    const index = sentIndex(frame, clips[clip].sourceFps, fps);
    return index === undefined || index >= run.inViewPerFrame.length ? [] : [Math.abs(run.inViewPerFrame[index]! - count)];
  });
  return {
    clip,
    fps,
    frames: frames.length,
    detected: run.detected,
    entered: run.entered,
    exited: run.exited,
    people: truth.people,
    visits: truth.visits,
    maxInView: Math.max(0, ...run.inViewPerFrame),
    truthMaxInView: truth.maxInView,
    inViewMae: errors.reduce((a, b) => a + b, 0) / Math.max(1, errors.length),
    inViewPerFrame: run.inViewPerFrame,
    lines: truth.lines.map((l, s) => ({ name: l.name, ...run.crossings[s]!, truth: l.truth })),
  };
}
