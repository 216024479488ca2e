import { performance } from "node:perf_hooks";
import { FrameStatus } from "@headcount/proto/types";
import { sendFrames } from "../../server/src/cli/frame-sender.ts";
import type { SourceFrame } from "../../server/src/cli/jpeg-sources.ts";
import { median, quantile } from "./bench-stats.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

/** Options for {@link runCameraLoad}. */
export interface CameraLoadOptions {
  /** host:port of the native gRPC server. */
  readonly target: string;
  readonly cameras: number;
  readonly fps: number;
  /** The clip each camera replays in a loop, from its own start offset. */
  readonly jpegs: readonly Uint8Array[];
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly cameraPrefix: string;
}

/** What a paced multi-camera run measured over its counted window. */
export interface CameraLoadResult {
  /** Processed acks per second of each camera. */
  readonly perCameraFps: number[];
  /** Send-to-ack time of processed frames, ms. */
  readonly ackP50Ms: number;
  readonly ackP95Ms: number;
  /** Median detect time of the frames the detector ran on, ms (from the acks). */
  readonly detectMs: number;
  /** Share of processed frames the detector ran on. */
  readonly detectedShare: number;
  /** Frames due while the camera's window was full (not sent), and acks other than PROCESSED. */
  readonly notSent: number;
  readonly notProcessed: number;
}

/** Frames of `jpegs` in a loop from `offset`, paced on `intervalMs` of capture time, until `stopAt`. */
async function* clipLoop(jpegs: readonly Uint8Array[], offset: number, stopAt: number, intervalMs: number): AsyncGenerator<SourceFrame> {
  for (let i = 0; performance.now() < stopAt; i++) yield { jpeg: jpegs[(offset + i) % jpegs.length]!, ptsMs: i * intervalMs };
}

/**
 * `cameras` senders (`cli/frame-sender.ts`, paced at `fps` like a camera,
 * at most 2 frames unacked), each replaying the clip from its own offset so
 * that their quiet and busy stretches do not line up, all started at once.
 */
export async function runCameraLoad(options: CameraLoadOptions): Promise<CameraLoadResult> {
  const start = performance.now();
  const from = start + options.warmupMs;
  const to = from + options.durationMs;
  const counted = Array.from({ length: options.cameras }, () => 0);
  const rtts: number[] = [];
  const detects: number[] = [];
  let skipped = 0;
  let notProcessed = 0;
  let notSent = 0;
  const interval = 1000 / options.fps;
  const summaries = await Promise.all(
    counted.map((_, c) =>
      sendFrames(clipLoop(options.jpegs, Math.floor(((c + 0.5) * options.jpegs.length) / options.cameras), to, interval), {
        targets: [options.target],
        cameraId: `${options.cameraPrefix}-${c}`,
        cameraName: `capacity camera ${c}`,
        token: TEST_CAPTURE_TOKEN,
        pace: "source",
        window: 2,
        onAck(ack, rttMs) {
          const now = performance.now();
          if (now < from || now > to) return;
          if (ack.status !== FrameStatus.PROCESSED) {
            notProcessed++;
            return;
          }
          counted[c]!++;
          rtts.push(rttMs);
          if (ack.detectionSkipped) skipped++;
          else detects.push(ack.timings?.detectMs ?? 0);
        },
      }),
    ),
  );
  for (const s of summaries) notSent += s.skipped;
  const seconds = options.durationMs / 1000;
  const processed = counted.reduce((a, b) => a + b, 0);
  return {
    perCameraFps: counted.map((n) => n / seconds),
    ackP50Ms: quantile(rtts, 0.5),
    ackP95Ms: quantile(rtts, 0.95),
    detectMs: median(detects),
    detectedShare: (processed - skipped) / Math.max(1, processed),
    notSent,
    notProcessed,
  };
}
