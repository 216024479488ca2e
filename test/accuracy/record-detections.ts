/**
 * Records what the server's frame worker finds in a clip, frame by frame, so
 * that the tracker and counter can be replayed on it in seconds
 * (`replay-main.ts`) instead of minutes of MediaPipe.
 *
 * The frames are made as the CLI sender makes them (its own ffmpeg source:
 * `--fps`, width 640, quality 4) and analysed as the worker analyses them
 * (`frame.worker.ts`: decode shrunk to the detector's input size, then
 * MediaPipe with the server's default score threshold and people limit, NMS).
 *
 *   node --import tsx test/accuracy/record-detections.ts vtest 10
 *
 * writes `test/fixtures/detections/vtest-10fps.json`. Run it again after any
 * change to the decoder, the detector, its settings or its model.
 *
 *   node --import tsx test/accuracy/record-detections.ts vtest 10 --signatures-only
 *
 * keeps a recording's boxes and only computes their colour signatures again
 * (the worker's `describeDetections` on the same decoded frames): seconds
 * instead of minutes, after a change to `appearance/` alone.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { videoFrames } from "../../server/src/cli/jpeg-sources.ts";
import { loadConfig } from "../../server/src/config.ts";
import { createMediaPipeDetector } from "../../server/src/detect/mediapipe-detector.ts";
import { decodeJpeg } from "../../server/src/decode/jpeg-decoder.ts";
import { describeDetections } from "../../server/src/appearance/describe-detections.ts";
import { clips, detectionsPath, encodeFrame, loadRecording, type ClipName, type RecordedClip } from "./recorded-detections.ts";
import { testModelPath } from "../support/paths.ts";

/** The CLI sender's defaults (`send-main.ts`): width 640, ffmpeg quality 4. */
const CLI_WIDTH = 640;
const CLI_QSCALE = 4;

async function record(clip: ClipName, fps: number, signaturesOnly: boolean): Promise<void> {
  const config = loadConfig({}, {});
  const model = new Uint8Array(readFileSync(testModelPath));
  const modelName = basename(testModelPath, ".tflite");
  const detector = await createMediaPipeDetector({ model, modelName, scoreThreshold: config.scoreThreshold, maxResults: config.maxPeople, tiling: config.tiling });
  const frames: string[] = [];
  const recorded = signaturesOnly ? loadRecording(clip, fps).frames : undefined;
  let width = 0;
  let height = 0;
  const started = performance.now();
  try {
    for await (const frame of videoFrames(clips[clip].video, { fps, width: CLI_WIDTH, qscale: CLI_QSCALE })) {
      // As handleFrame in frame.worker.ts does.
      const decoded = await decodeJpeg(frame.jpeg, { maxPixels: config.limits.maxPixels, fitWithin: detector.inputSize });
      width = decoded.width;
      height = decoded.height;
      const found = recorded ? recorded[frames.length]?.map(({ appearance: _, ...box }) => box) : detector.detect(decoded.image, frames.length + 1);
      if (!found) throw new Error(`${clip} at ${fps} fps has more frames than its recording: record it in full`);
      frames.push(encodeFrame(describeDetections(decoded.image, found)));
    }
  } finally {
    detector.close();
  }
  if (recorded && recorded.length !== frames.length) throw new Error(`${clip} at ${fps} fps: ${frames.length} frames, recording has ${recorded.length}`);
  const header: Omit<RecordedClip, "frames"> = {
    video: basename(clips[clip].video),
    fps,
    width,
    height,
    method:
      `Recorded by test/accuracy/record-detections.ts: frames made by the CLI sender's ffmpeg source (fps ${fps}, width ${CLI_WIDTH}, quality ${CLI_QSCALE}), ` +
      `analysed as frame.worker.ts does (decode shrunk to ${detector.inputSize?.width ?? "full"} px, ${detector.name}, ` +
      `score >= ${config.scoreThreshold}, at most ${config.maxPeople} people, tiling ${config.tiling ? "on" : "off"}). ` +
      "Each frame is a list of [x, y, width, height, score, appearance] in normalized frame coordinates (4 decimals, score 3); " +
      "appearance is the colour signature the worker adds (appearance/colour-signature.ts), absent for boxes too small.",
  };
  const path = detectionsPath(clip, fps);
  // One frame per line: small diffs when a recording changes.
  const head = JSON.stringify(header, null, 1).replace(/\n}$/, "");
  writeFileSync(path, `${head},\n "frames": [\n${frames.map((f) => `  ${f}`).join(",\n")}\n ]\n}\n`);
  console.log(`${clip} at ${fps} fps: ${frames.length} frames in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${join("test/fixtures/detections", basename(path))}`);
}

const args = process.argv.slice(2);
const signaturesOnly = args.includes("--signatures-only");
const [clipArg, fpsArg] = args.filter((a) => !a.startsWith("--"));
const wanted = clipArg ? [clipArg as ClipName] : (Object.keys(clips) as ClipName[]);
for (const clip of wanted) {
  if (!(clip in clips)) throw new Error(`unknown clip ${clip}: use one of ${Object.keys(clips).join(", ")}`);
  for (const fps of fpsArg ? [Number(fpsArg)] : [10, 5]) await record(clip, fps, signaturesOnly);
}
