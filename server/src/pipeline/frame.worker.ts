import { performance } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { parentPort } from "node:worker_threads";
import sharp from "sharp";
import { decodeGreyThumbnail } from "../decode/grey-thumbnail.ts";
import { DecodeError, decodeJpeg } from "../decode/jpeg-decoder.ts";
import type { Detector } from "../detect/detector.ts";
import { describeDetections } from "../appearance/describe-detections.ts";
import { shouldDetect, type MotionCheck, type MotionReport } from "../motion/motion-gate.ts";
import { measureMotion, settleAfterDetection, type GreyImage } from "../motion/motion-measure.ts";
import { collectFrameGarbage } from "./frame-garbage.ts";
import type { DetectorSpec, FromWorker, ToWorker } from "./messages.ts";

/**
 * A frame worker: one long-lived detector, fed one frame at a time.
 * [motion check on a 1/8-scale grey decode: a still frame stops here, detection skipped]
 * -> decode (sharp, off this thread in libuv) -> detect (synchronous, this thread)
 * -> colour signature of each person, from the same decoded pixels.
 */

const port = parentPort;
if (!port) throw new Error("frame.worker.ts must run in a worker thread");

// Parallelism comes from the pool's workers; libvips threads on top would only
// oversubscribe the cores. Caching decoded images is useless for a video stream.
sharp.concurrency(1);
sharp.cache(false);

let spec: DetectorSpec | undefined;
let maxPixels = 0;
let detector: Detector | undefined;
let lastTimestampMs = 0;

/**
 * This thread's heap and external memory. From V8 directly: process.memoryUsage()
 * would also read the process's RSS from /proc on every frame.
 */
function memoryNow(): { heapUsedBytes: number; externalBytes: number } {
  const { used_heap_size, external_memory } = getHeapStatistics();
  return { heapUsedBytes: used_heap_size, externalBytes: external_memory };
}

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** Runs a decode; a bad JPEG is answered as rejected (the client's fault), anything else as failed. Undefined when answered. */
async function decodeOrAnswer<T>(jobId: number, decode: () => Promise<T>): Promise<T | undefined> {
  try {
    return await decode();
  } catch (err) {
    if (err instanceof DecodeError) send({ type: "rejected", jobId, reason: err.message });
    else send({ type: "failed", jobId, message: `decode failed: ${String(err)}` });
    return undefined;
  }
}

/** The background buffer goes back to the pool instead of being copied. */
function transferOf(report: MotionReport | undefined): ArrayBuffer[] {
  return report ? [report.measure.background.data.buffer as ArrayBuffer] : [];
}

async function createDetector(s: DetectorSpec): Promise<Detector> {
  if (s.kind === "none") {
    const { createNoopDetector } = await import("../detect/noop-detector.ts");
    return createNoopDetector();
  }
  if (!s.model) throw new Error("the mediapipe detector needs model bytes");
  const { createMediaPipeDetector } = await import("../detect/mediapipe-detector.ts");
  return createMediaPipeDetector({ model: s.model, scoreThreshold: s.scoreThreshold, maxResults: s.maxResults, tiling: s.tiling, modelName: s.modelName });
}

/** MediaPipe's VIDEO mode breaks for good on a repeated or backward timestamp. */
function nextTimestamp(): number {
  lastTimestampMs = Math.max(lastTimestampMs + 1, Math.floor(performance.now()));
  return lastTimestampMs;
}

async function handleFrame(jobId: number, jpeg: Uint8Array, motion: MotionCheck | undefined): Promise<void> {
  const started = performance.now();
  if (!detector || !spec) {
    send({ type: "failed", jobId, message: "worker has no detector" });
    return;
  }
  let report: MotionReport | undefined;
  let grey: GreyImage | undefined;
  if (motion) {
    const thumbnail = await decodeOrAnswer(jobId, () => decodeGreyThumbnail(jpeg, maxPixels));
    if (!thumbnail) return;
    grey = thumbnail.grey;
    const measure = measureMotion(grey, motion.background, motion.thresholds);
    report = { measure, detectionSkipped: !shouldDetect(motion, measure) };
    if (report.detectionSkipped) {
      const { width, height } = thumbnail;
      const decodeMs = performance.now() - started;
      send({ type: "result", jobId, width, height, detections: [], decodeMs, detectMs: 0, motion: report, memory: memoryNow() }, transferOf(report));
      return;
    }
  }
  const decoded = await decodeOrAnswer(jobId, () => decodeJpeg(jpeg, { maxPixels, fitWithin: detector!.inputSize }));
  if (!decoded) return;
  const decodedAt = performance.now();
  try {
    const detections = describeDetections(decoded.image, detector.detect(decoded.image, nextTimestamp()));
    const detectedAt = performance.now();
    if (report && grey) report = { ...report, measure: settleAfterDetection(report.measure, grey, detections.length) };
    send({
      type: "result",
      jobId,
      width: decoded.width,
      height: decoded.height,
      detections,
      decodeMs: decodedAt - started,
      detectMs: detectedAt - decodedAt,
      motion: report,
      memory: memoryNow(),
    }, transferOf(report));
  } catch (err) {
    // A detector that threw may be in a broken state (MediaPipe graphs do not
    // recover): replace it before the next frame.
    send({ type: "failed", jobId, message: `detector failed: ${String(err)}` });
    try {
      detector.close();
    } catch {
      // already broken; nothing more to free
    }
    detector = await createDetector(spec);
  }
}

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "init":
      spec = message.detector;
      maxPixels = message.maxPixels;
      createDetector(spec).then(
        (d) => {
          detector = d;
          send({ type: "ready", detectorName: d.name });
        },
        (err: unknown) => send({ type: "init-failed", message: err instanceof Error ? err.message : String(err) }),
      );
      break;
    case "frame":
      handleFrame(message.jobId, message.jpeg, message.motion)
        .catch((err: unknown) => {
          send({ type: "failed", jobId: message.jobId, message: String(err) });
        })
        // After the reply, so the collection is not on the frame's ack path.
        .finally(collectFrameGarbage);
      break;
  }
});
