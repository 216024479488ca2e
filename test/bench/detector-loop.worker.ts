import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { decodeJpeg } from "../../server/src/decode/jpeg-decoder.ts";
import type { Detector, RgbaImage } from "../../server/src/detect/detector.ts";
import { createMediaPipeDetector } from "../../server/src/detect/mediapipe-detector.ts";
import type { LoopFromWorker, LoopToWorker } from "./detector-loop-pool.ts";

/**
 * A bench worker: one MediaPipe detector, exactly as a frame worker builds
 * it, looping `detect()` over frames decoded once up front (with the frame
 * worker's own decoder and target size), so a run measures detection alone.
 */

const port = parentPort;
if (!port) throw new Error("detector-loop.worker.ts must run in a worker thread");

let detector: Detector | undefined;
let images: RgbaImage[] = [];
let timestamp = 0;

function send(message: LoopFromWorker): void {
  port!.postMessage(message);
}

/** Loops detect() for `durationMs` (at least one frame) and reports what it did. */
function loop(durationMs: number): void {
  const d = detector!;
  const times: number[] = [];
  const started = performance.now();
  let now = started;
  let people = 0;
  let i = 0;
  do {
    const image = images[i++ % images.length]!;
    const before = now;
    people += d.detect(image, ++timestamp).length;
    now = performance.now();
    times.push(now - before);
  } while (now - started < durationMs);
  send({ type: "done", frames: times.length, elapsedMs: now - started, detectMs: times, people });
}

port.on("message", (message: LoopToWorker) => {
  if (message.type === "run") {
    try {
      loop(message.durationMs);
    } catch (err) {
      send({ type: "failed", message: String(err) });
    }
    return;
  }
  void (async () => {
    try {
      detector = await createMediaPipeDetector({ model: message.model, scoreThreshold: message.scoreThreshold, maxResults: message.maxResults });
      const decoded = [];
      for (const jpeg of message.jpegs) decoded.push(await decodeJpeg(jpeg, { maxPixels: message.maxPixels, fitWithin: detector.inputSize }));
      images = decoded.map((f) => f.image);
      const first = images[0]!;
      send({ type: "ready", detectorName: detector.name, imageWidth: first.width, imageHeight: first.height });
    } catch (err) {
      send({ type: "failed", message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
