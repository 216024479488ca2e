/**
 * The recorded detections of the accuracy clips (`test/fixtures/detections/`)
 * and the clips' hand-made truths, for the replay (`replay.ts`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Detection } from "../../server/src/detect/detector.ts";
import { oneByOneVideo, repoRoot, sharedDir, vtestVideo } from "../support/paths.ts";

/** A clip's recorded detections at one frame rate. */
export interface RecordedClip {
  readonly video: string;
  readonly fps: number;
  /** Size of the frames sent. */
  readonly width: number;
  readonly height: number;
  readonly method: string;
  /** Per frame: [x, y, width, height, score, appearance?] per detection. */
  readonly frames: ReadonlyArray<ReadonlyArray<ReadonlyArray<number | string>>>;
}

/** A counting line as the CLI takes it (`--line AX,AY,BX,BY`), "in" on its left. */
export interface NamedLine {
  readonly name: string;
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
  /** Hand-counted crossings: into the line's left side ("in") and out of it. */
  readonly truth: { readonly in: number; readonly out: number };
}

/** What a person counting by eye saw in a clip. */
export interface ClipTruth {
  /** Distinct people who walk through. */
  readonly people: number;
  /**
   * Times someone walks into the picture (a person who walks out and comes
   * back makes two): what entries and exits come to for a counter that cannot
   * recognise a returning person.
   */
  readonly visits: number;
  /** At most this many in view at once, when known. */
  readonly maxInView?: number;
  /** Source frames (1-based, at the clip's own 10 fps) with a hand count of people in view. */
  readonly inView: ReadonlyArray<{ readonly frame: number; readonly count: number }>;
  readonly lines: readonly NamedLine[];
}

/** The clips with recordings and truths. */
export const clips = {
  vtest: { video: vtestVideo, sourceFps: 10 },
  "one-by-one": { video: oneByOneVideo, sourceFps: 10 },
} as const;

/** A clip name. */
export type ClipName = keyof typeof clips;

const fixtures = join(repoRoot, "test/fixtures");

/** Where a clip's recording at `fps` lives. */
export function detectionsPath(clip: ClipName, fps: number): string {
  return join(fixtures, "detections", `${clip}-${fps}fps.json`);
}

/** One frame's detections as a compact JSON line. */
export function encodeFrame(detections: readonly Detection[]): string {
  const r = (v: number, digits: number) => Number(v.toFixed(digits));
  return JSON.stringify(detections.map((d) => {
    const numbers = [r(d.x, 4), r(d.y, 4), r(d.width, 4), r(d.height, 4), r(d.score, 3)];
    return d.appearance === undefined ? numbers : [...numbers, d.appearance];
  }));
}

/** Reads a clip's recording at `fps`, as detections per frame. */
export function loadRecording(clip: ClipName, fps: number): { clip: RecordedClip; frames: Detection[][] } {
  const recorded = JSON.parse(readFileSync(detectionsPath(clip, fps), "utf8")) as RecordedClip;
  const frames = recorded.frames.map((f) =>
    f.map(([x, y, width, height, score, appearance]) => {
      const d = { x: x as number, y: y as number, width: width as number, height: height as number, score: score as number };
      return typeof appearance === "string" ? { ...d, appearance } : d;
    }),
  );
  return { clip: recorded, frames };
}

interface VtestAnnotation {
  readonly in_view: ReadonlyArray<{ frame: number; count: number }>;
  readonly line: { ax: number; ay: number; bx: number; by: number };
  readonly totals: { left_to_right: number; right_to_left: number };
}

interface VtestCrowdAnnotation {
  readonly people: ReadonlyArray<{ visits: ReadonlyArray<unknown> }>;
  readonly lines: ReadonlyArray<{ name: string; line: { ax: number; ay: number; bx: number; by: number }; totals: { in: number; out: number } }>;
}

interface OneByOneTruth {
  readonly entries: number;
  readonly max_in_view: number;
  readonly frames: number;
  readonly people: ReadonlyArray<{ first_frame: number; last_frame: number }>;
}

/** The hand-made truth of a clip (frames 1-based at the source's 10 fps). */
export function loadTruth(clip: ClipName): ClipTruth {
  if (clip === "vtest") {
    const vertical = JSON.parse(readFileSync(join(fixtures, "vtest.annotation.json"), "utf8")) as VtestAnnotation;
    const crowd = JSON.parse(readFileSync(join(fixtures, "vtest.crowd.annotation.json"), "utf8")) as VtestCrowdAnnotation;
    // Drawn top to bottom, the vertical line's left ("in") is the right half: in = left to right.
    const lines: NamedLine[] = [
      { name: "vertical", ...vertical.line, truth: { in: vertical.totals.left_to_right, out: vertical.totals.right_to_left } },
      ...crowd.lines.map((l) => ({ name: l.name, ...l.line, truth: l.totals })),
    ];
    const visits = crowd.people.reduce((n, p) => n + p.visits.length, 0);
    return { people: crowd.people.length, visits, inView: vertical.in_view, lines };
  }
  const truth = JSON.parse(readFileSync(join(sharedDir, "footage/one-by-one.ground-truth.json"), "utf8")) as OneByOneTruth;
  const inView = Array.from({ length: truth.frames }, (_, i) => ({
    frame: i + 1,
    count: truth.people.filter((p) => i + 1 >= p.first_frame && i + 1 <= p.last_frame).length,
  }));
  return { people: truth.entries, visits: truth.entries, maxInView: truth.max_in_view, inView, lines: [] };
}

/**
 * Index (0-based) of the sent frame showing source frame `frame` (1-based), or
 * undefined when that frame is not sent at this rate (ffmpeg's fps filter
 * keeps source frames 1, 3, 5, ... at half the rate).
 */
export function sentIndex(frame: number, sourceFps: number, fps: number): number | undefined {
  const index = ((frame - 1) * fps) / sourceFps;
  return Number.isInteger(index) ? index : undefined;
}
