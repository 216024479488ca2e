/**
 * The replay with the server's motion gate: the clip's frames made as the
 * CLI makes them, each decoded at 1/8 scale in grey as the frame worker does
 * (`decode/grey-thumbnail.ts`), judged by the server's own gate
 * (`FrameDifferenceGate` with the default settings) and, when it says
 * detect, given the recorded detections of that frame. ffmpeg and the small
 * decode only, no detector: seconds per clip.
 */
import { videoFrames } from "../../server/src/cli/jpeg-sources.ts";
import { loadConfig } from "../../server/src/config.ts";
import { decodeGreyThumbnail } from "../../server/src/decode/grey-thumbnail.ts";
import { FrameDifferenceGate, shouldDetect } from "../../server/src/motion/motion-gate.ts";
import { measureMotion, settleAfterDetection, type GreyImage } from "../../server/src/motion/motion-measure.ts";
import type { MotionSettings } from "../../server/src/motion/motion-settings.ts";
import { clips, loadRecording, type ClipName } from "./recorded-detections.ts";
import type { DetectGate } from "./replay.ts";

/** The CLI sender's defaults (`send-main.ts`), as the recordings were made. */
const CLI_SOURCE = { width: 640, qscale: 4 };

/** The grey thumbnails of a clip's frames at `fps`, in order. */
export async function clipThumbnails(clip: ClipName, fps: number): Promise<GreyImage[]> {
  const maxPixels = loadConfig({}, {}).limits.maxPixels;
  const out: GreyImage[] = [];
  for await (const frame of videoFrames(clips[clip].video, { fps, ...CLI_SOURCE })) out.push((await decodeGreyThumbnail(frame.jpeg, maxPixels)).grey);
  return out;
}

/**
 * A replay gate deciding as the server's motion gate would on these
 * thumbnails (default settings unless given); `peopleAt(index)` is how many
 * people the detector found on that frame, which the worker uses to settle
 * the background after a detection.
 */
export function motionGateOver(thumbnails: readonly GreyImage[], peopleAt: (index: number) => number, settings: MotionSettings = loadConfig({}, {}).motion): DetectGate {
  const gate = new FrameDifferenceGate(settings);
  return (index, timeMs, tracks) => {
    const plan = gate.plan("replay", timeMs, tracks);
    if (plan.kind !== "check") return plan.kind === "detect";
    const { check } = plan;
    const grey = thumbnails[index]!;
    const measure = measureMotion(grey, check.background, check.thresholds);
    const detect = shouldDetect(check, measure);
    gate.settle("replay", timeMs, { measure: detect ? settleAfterDetection(measure, grey, peopleAt(index)) : measure, detectionSkipped: !detect });
    return detect;
  };
}

/** {@link motionGateOver} for a whole clip at `fps`: its thumbnails and recorded detections. */
export async function clipMotionGate(clip: ClipName, fps: number): Promise<DetectGate> {
  const { frames } = loadRecording(clip, fps);
  return motionGateOver(await clipThumbnails(clip, fps), (i) => frames[i]?.length ?? 0);
}
