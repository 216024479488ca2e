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
 * Real JPEG frames from real footage, extracted with ffmpeg (installed by
 * .ci/run) and cached under test/.out so several tests share one extraction.
 */
export function extractJpegFrames(video: string, cut: FrameCut): Buffer[] {
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
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jpg"))
    .sort()
    .map((f) => readFileSync(join(dir, f)));
}
