import type { Detection } from "../detect/detector.ts";
import type { MotionCheck, MotionReport } from "../motion/motion-gate.ts";

/**
 * The typed message protocol between the worker pool (main thread) and a
 * frame worker. Every request carries a `jobId`; every job gets exactly one
 * answer (`result`, `rejected` or `failed`).
 */

/** Which detector a worker runs, and how. Sent once when the worker starts. */
export interface DetectorSpec {
  readonly kind: "mediapipe" | "none";
  /** Model bytes (copied into each worker). Required for "mediapipe". */
  readonly model?: Uint8Array;
  /** The model's file name, for logs and benchmarks. */
  readonly modelName?: string;
  readonly scoreThreshold: number;
  readonly maxResults: number;
  /** Overlapping square tiles for wide frames (mediapipe only). */
  readonly tiling: boolean;
}

/** Main thread -> worker. */
export type ToWorker =
  | { readonly type: "init"; readonly detector: DetectorSpec; readonly maxPixels: number }
  | {
      readonly type: "frame";
      readonly jobId: number;
      /** The JPEG, in its own ArrayBuffer (transferred, not copied). */
      readonly jpeg: Uint8Array;
      /** Measure motion first and detect only when `shouldDetect` says so; absent: detect without a check. */
      readonly motion?: MotionCheck;
    };

/** Worker -> main thread. */
export type FromWorker =
  | { readonly type: "ready"; readonly detectorName: string }
  | { readonly type: "init-failed"; readonly message: string }
  | {
      readonly type: "result";
      readonly jobId: number;
      readonly width: number;
      readonly height: number;
      readonly detections: Detection[];
      readonly decodeMs: number;
      readonly detectMs: number;
      /** What the motion check found, when the frame asked for one. */
      readonly motion?: MotionReport;
      /** The worker's own memory after this frame (its V8 heap; external and wasm memory). */
      readonly memory: WorkerMemory;
    }
  /** The frame itself is bad (corrupt, too large): the client's fault, not the worker's. */
  | { readonly type: "rejected"; readonly jobId: number; readonly reason: string }
  /** The worker could not process a good frame (detector error); the detector was recreated. */
  | { readonly type: "failed"; readonly jobId: number; readonly message: string };

/** What the pool answers for one frame. */
export type FrameOutcome =
  | {
      readonly kind: "processed";
      readonly width: number;
      readonly height: number;
      readonly detections: Detection[];
      readonly queuedMs: number;
      readonly decodeMs: number;
      readonly detectMs: number;
      /** True when the detector did not run (the motion gate skipped it): no detections, counts unchanged. */
      readonly detectionSkipped?: boolean;
      /** What the motion check found, when there was one. */
      readonly motion?: MotionReport;
    }
  | { readonly kind: "rejected"; readonly reason: string }
  | { readonly kind: "failed"; readonly reason: string };

/** A worker thread's own memory, as `process.memoryUsage()` reports it inside the worker. */
export interface WorkerMemory {
  readonly heapUsedBytes: number;
  /** Memory held outside the V8 heap by this thread's objects (buffers, MediaPipe's wasm memory). */
  readonly externalBytes: number;
}
