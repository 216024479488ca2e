import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { outDir, requireFile } from "./paths.ts";

/** A segment of real footage to play as Chromium's camera. */
export interface CameraClip {
  readonly video: string;
  readonly startS: number;
  readonly durationS: number;
  readonly width: number;
  readonly fps: number;
}

/**
 * Makes (once, cached under test/.out) the raw .y4m file Chromium plays as
 * its fake camera. Raw video is large: never commit it.
 */
export function makeY4m(clip: CameraClip): string {
  requireFile(clip.video, "footage");
  mkdirSync(outDir, { recursive: true });
  const name = `camera-${clip.startS}s-${clip.durationS}s-${clip.width}w-${clip.fps}fps.y4m`;
  const path = join(outDir, name);
  if (!existsSync(path)) {
    const tmp = `${path}.partial.y4m`;
    execFileSync("ffmpeg", [
      "-v", "error", "-y", "-ss", String(clip.startS), "-i", clip.video, "-t", String(clip.durationS),
      "-vf", `scale=${clip.width}:-2,fps=${clip.fps}`, "-pix_fmt", "yuv420p", tmp,
    ]);
    renameSync(tmp, path);
  }
  return path;
}

/** Chromium flags that make `y4m` the only camera and grant access without a prompt. */
export function fakeCameraArgs(y4m: string): string[] {
  return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${y4m}`];
}
