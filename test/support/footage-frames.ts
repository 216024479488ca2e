import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { outDir, requireFile } from "./paths.ts";

/** What to cut from a video. */
export interface FrameCut {
  /** Start time, seconds. */
  readonly startS: number;
  /** Number of frames to extract. */
  readonly count: number;
  /** Output frame rate (frames per second of video time). */
  readonly fps: number;
  /** Output width in pixels; height follows the aspect ratio (even). */
  readonly width: number;
  /** JPEG quality for ffmpeg's -q:v (2 best .. 31 worst). */
  readonly qscale?: number;
}

/**
 * Extracts real JPEG frames from real footage with ffmpeg (installed by
 * .ci/run) into a folder cached under test/.out, shared by the tests that cut
 * the same frames, and returns the folder (files 00001.jpg, 00002.jpg, ...).
 */
export function extractJpegFolder(video: string, cut: FrameCut): string {
  requireFile(video, "footage");
  const key = createHash("sha1").update(JSON.stringify({ video, ...cut })).digest("hex").slice(0, 12);
  const dir = join(outDir, "frames", key);
  if (!existsSync(join(dir, ".done"))) {
    mkdirSync(dir, { recursive: true });
    execFileSync("ffmpeg", [
      "-v", "error", "-y",
      "-ss", String(cut.startS), "-i", video,
      "-vf", `fps=${cut.fps},scale=${cut.width}:-2`,
      "-frames:v", String(cut.count),
      "-q:v", String(cut.qscale ?? 4),
      join(dir, "%05d.jpg"),
    ]);
    execFileSync("touch", [join(dir, ".done")]);
  }
  return dir;
}

/** The frames of {@link extractJpegFolder}, in order. */
export function extractJpegFrames(video: string, cut: FrameCut): Buffer[] {
  const dir = extractJpegFolder(video, cut);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jpg"))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}
