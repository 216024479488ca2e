import { Worker } from "node:worker_threads";
import { mean } from "./bench-stats.ts";

/** Parent -> detector-loop worker. */
export type LoopToWorker =
  | {
      readonly type: "init";
      readonly model: Uint8Array;
      readonly scoreThreshold: number;
      readonly maxResults: number;
      readonly maxPixels: number;
      readonly jpegs: readonly Uint8Array[];
    }
  | { readonly type: "run"; readonly durationMs: number };

/** Detector-loop worker -> parent. */
export type LoopFromWorker =
  | { readonly type: "ready"; readonly detectorName: string; readonly imageWidth: number; readonly imageHeight: number }
  | { readonly type: "done"; readonly frames: number; readonly elapsedMs: number; readonly detectMs: number[]; readonly people: number }
  | { readonly type: "failed"; readonly message: string };

/** What one timed run of the loops measured. */
export interface LoopRun {
  readonly workers: number;
  /** Sum over workers of frames / elapsed. */
  readonly fps: number;
  readonly frames: number;
  /** Mean detect() time (the mean, as it is what the frame rate follows). */
  readonly meanDetectMs: number;
  /** Detections per frame, on average (a sanity check that the detector sees people). */
  readonly peoplePerFrame: number;
}

/** Detector-only workers, started once and run as often as needed. */
export interface DetectorLoops {
  readonly detectorName: string;
  /** Size of the RGBA images the detector is fed (the frame worker's decode target). */
  readonly imageSize: { readonly width: number; readonly height: number };
  /** Runs the first `workers` loops at the same time for `durationMs` each. */
  run(workers: number, durationMs: number): Promise<LoopRun>;
  close(): Promise<void>;
}

/** Options for {@link startDetectorLoops}. */
export interface DetectorLoopOptions {
  readonly count: number;
  readonly model: Uint8Array;
  readonly scoreThreshold: number;
  readonly maxResults: number;
  readonly maxPixels: number;
  readonly jpegs: readonly Uint8Array[];
}

// The server's bootstrap registers tsx in the worker (Node 20 does not pass loader hooks on).
const bootstrap = new URL("../../server/src/pipeline/worker-bootstrap.mjs", import.meta.url);
const entry = new URL("./detector-loop.worker.ts", import.meta.url).href;

function next(worker: Worker): Promise<LoopFromWorker> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    worker.once("error", onError);
    worker.once("message", (m: LoopFromWorker) => {
      worker.off("error", onError);
      if (m.type === "failed") reject(new Error(`detector loop failed: ${m.message}`));
      else resolve(m);
    });
  });
}

/**
 * Starts `count` worker threads, each with its own MediaPipe detector built
 * the way the frame workers build theirs and its own copy of the frames,
 * decoded once to the detector's input size. Nothing runs until `run()`.
 */
export async function startDetectorLoops(options: DetectorLoopOptions): Promise<DetectorLoops> {
  const workers = Array.from({ length: options.count }, () => new Worker(bootstrap, { workerData: { entry }, name: "bench-detector-loop" }));
  const init: LoopToWorker = { type: "init", model: options.model, scoreThreshold: options.scoreThreshold, maxResults: options.maxResults, maxPixels: options.maxPixels, jpegs: options.jpegs };
  let ready: LoopFromWorker[];
  try {
    ready = await Promise.all(
      workers.map((w) => {
        const answer = next(w);
        w.postMessage(init);
        return answer;
      }),
    );
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  const first = ready[0];
  if (first?.type !== "ready") throw new Error("detector loop did not start");
  return {
    detectorName: first.detectorName,
    imageSize: { width: first.imageWidth, height: first.imageHeight },
    async run(count, durationMs) {
      const used = workers.slice(0, count);
      const answers = await Promise.all(
        used.map((w) => {
          const answer = next(w);
          w.postMessage({ type: "run", durationMs } satisfies LoopToWorker);
          return answer;
        }),
      );
      const done = answers.flatMap((a) => (a.type === "done" ? [a] : []));
      const frames = done.reduce((n, d) => n + d.frames, 0);
      return {
        workers: count,
        fps: done.reduce((n, d) => n + (d.frames * 1000) / d.elapsedMs, 0),
        frames,
        meanDetectMs: mean(done.flatMap((d) => d.detectMs)),
        peoplePerFrame: done.reduce((n, d) => n + d.people, 0) / Math.max(1, frames),
      };
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
