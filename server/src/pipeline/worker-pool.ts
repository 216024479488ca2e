import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { MotionCheck } from "../motion/motion-gate.ts";
import type { DetectorSpec, FrameOutcome, FromWorker, ToWorker, WorkerMemory } from "./messages.ts";

/** Logs the pool's own events (a pino logger fits). */
export interface PoolLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Options for {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  readonly size: number;
  readonly detector: DetectorSpec;
  readonly maxPixels: number;
  readonly log: PoolLogger;
}

/** Counters an operator (and the tests) can read. */
export interface WorkerPoolStats {
  readonly workers: number;
  /** Each worker's memory as of its last processed frame (zero before its first). */
  readonly memory: readonly WorkerMemory[];
  readonly crashes: number;
  readonly detectorFailures: number;
  readonly busyJobs: number;
}

/**
 * Runs frames through decode + detect on worker threads. Each frame goes to
 * the worker with the fewest frames in hand: the detectors keep no state
 * between frames (IMAGE mode; tracking runs on the main thread), so a
 * session needs no worker of its own.
 */
export interface WorkerPool {
  readonly detectorName: string;
  /** Decodes and detects one frame on the least busy worker, after a motion check when `motion` is given. Never rejects. */
  process(jpeg: Uint8Array, motion?: MotionCheck): Promise<FrameOutcome>;
  stats(): WorkerPoolStats;
  /**
   * Ends worker `index` abruptly, as a crash would (fault drills and tests):
   * its in-flight frames are answered as failed and a new worker replaces it.
   */
  crashWorker(index: number): Promise<void>;
  close(): Promise<void>;
}

interface PendingJob {
  readonly postedAt: number;
  readonly resolve: (outcome: FrameOutcome) => void;
}

interface Slot {
  worker: Worker;
  readonly jobs: Map<number, PendingJob>;
  /** Resolves when the slot has a live worker (at once, except while one is being replaced). */
  ready: Promise<void>;
  memory: WorkerMemory;
}

const entry = new URL("./frame.worker.ts", import.meta.url).href;
const bootstrap = new URL("./worker-bootstrap.mjs", import.meta.url);

/**
 * Starts `size` frame workers, each with one long-lived detector, and resolves
 * once all are ready (or rejects with the first init error, e.g. a bad model).
 * A worker that crashes is replaced; its in-flight frames are answered as
 * failed so every frame still gets an ack.
 */
export async function createWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const { log } = options;
  const slots: Slot[] = [];
  let nextSlot = 0;
  let nextJobId = 1;
  let crashes = 0;
  let detectorFailures = 0;
  let closing = false;

  function spawn(): Promise<{ worker: Worker; detectorName: string }> {
    const worker = new Worker(bootstrap, { workerData: { entry }, name: "frame-worker" });
    const init: ToWorker = { type: "init", detector: options.detector, maxPixels: options.maxPixels };
    worker.postMessage(init);
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === "ready") {
          worker.off("error", onError);
          worker.off("message", onMessage);
          resolve({ worker, detectorName: m.detectorName });
        } else if (m.type === "init-failed") {
          void worker.terminate();
          reject(new Error(`detector failed to start: ${m.message}`));
        }
      };
      const onError = (err: Error) => reject(err);
      worker.on("message", onMessage);
      worker.once("error", onError);
    });
  }

  function attach(slot: Slot): void {
    const { worker } = slot;
    worker.on("message", (m: FromWorker) => {
      if (m.type !== "result" && m.type !== "rejected" && m.type !== "failed") return;
      const job = slot.jobs.get(m.jobId);
      if (!job) return;
      slot.jobs.delete(m.jobId);
      if (m.type === "result") {
        slot.memory = m.memory;
        const roundTrip = performance.now() - job.postedAt;
        job.resolve({
          kind: "processed",
          width: m.width,
          height: m.height,
          detections: m.detections,
          // Whatever the worker did not spend decoding or detecting was waiting.
          queuedMs: Math.max(0, roundTrip - m.decodeMs - m.detectMs),
          decodeMs: m.decodeMs,
          detectMs: m.detectMs,
          detectionSkipped: m.motion?.detectionSkipped ?? false,
          motion: m.motion,
        });
      } else if (m.type === "rejected") {
        job.resolve({ kind: "rejected", reason: m.reason });
      } else {
        detectorFailures++;
        log.warn({ message: m.message }, "detector failed on a frame; the worker recreated it");
        job.resolve({ kind: "failed", reason: "internal: the detector failed on this frame" });
      }
    });
    worker.on("error", (err) => log.error({ err }, "frame worker crashed"));
    worker.on("exit", (code) => {
      if (closing) return;
      crashes++;
      log.error({ code, inFlight: slot.jobs.size }, "frame worker exited; replacing it");
      for (const job of slot.jobs.values()) job.resolve({ kind: "failed", reason: "internal: the frame worker crashed" });
      slot.jobs.clear();
      slot.ready = respawn(slot);
    });
  }

  async function respawn(slot: Slot): Promise<void> {
    for (let attempt = 1; !closing; attempt++) {
      try {
        slot.worker = (await spawn()).worker;
        slot.memory = { heapUsedBytes: 0, externalBytes: 0 };
        attach(slot);
        log.info({ attempt }, "frame worker replaced");
        return;
      } catch (err) {
        log.error({ err, attempt }, "could not replace a frame worker; retrying");
        await new Promise((r) => setTimeout(r, Math.min(10_000, 250 * 2 ** attempt)));
      }
    }
  }

  const started = await Promise.allSettled(Array.from({ length: options.size }, () => spawn()));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.worker.terminate() : undefined)));
    throw failed.reason;
  }
  let detectorName = "";
  for (const s of started) {
    if (s.status !== "fulfilled") continue;
    detectorName = s.value.detectorName;
    const slot: Slot = { worker: s.value.worker, jobs: new Map(), ready: Promise.resolve(), memory: { heapUsedBytes: 0, externalBytes: 0 } };
    attach(slot);
    slots.push(slot);
  }

  /** The worker with the fewest frames in hand; ties go round robin so all workers stay warm. */
  function leastBusy(): Slot {
    let best = slots[nextSlot % slots.length]!;
    for (let i = 1; i < slots.length; i++) {
      const s = slots[(nextSlot + i) % slots.length]!;
      if (s.jobs.size < best.jobs.size) best = s;
    }
    nextSlot = (slots.indexOf(best) + 1) % slots.length;
    return best;
  }

  return {
    detectorName,
    process(jpeg, motion) {
      if (closing) return Promise.resolve({ kind: "failed", reason: "the server is shutting down" });
      const slot = leastBusy();
      const jobId = nextJobId++;
      // A private copy: the request's bytes may share a pooled ArrayBuffer that must not be detached.
      const own = new Uint8Array(jpeg); // copies even when jpeg is a Node Buffer (whose slice() is a view)
      // A frame for a worker being replaced waits for the replacement (a message to a dead worker is lost).
      return slot.ready.then(
        () =>
          new Promise<FrameOutcome>((resolve) => {
            if (closing) return resolve({ kind: "failed", reason: "the server is shutting down" });
            slot.jobs.set(jobId, { postedAt: performance.now(), resolve });
            const message: ToWorker = motion ? { type: "frame", jobId, jpeg: own, motion } : { type: "frame", jobId, jpeg: own };
            slot.worker.postMessage(message, [own.buffer]);
          }),
      );
    },
    stats: () => ({
      workers: slots.length,
      memory: slots.map((s) => s.memory),
      crashes,
      detectorFailures,
      busyJobs: slots.reduce((n, s) => n + s.jobs.size, 0),
    }),
    async crashWorker(index) {
      const slot = slots[index];
      if (!slot) throw new RangeError(`no worker ${index}`);
      await slot.worker.terminate();
    },
    async close() {
      closing = true;
      for (const slot of slots) {
        for (const job of slot.jobs.values()) job.resolve({ kind: "failed", reason: "the server is shutting down" });
        slot.jobs.clear();
      }
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
