import { performance } from "node:perf_hooks";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { sendFrames } from "../../server/src/cli/frame-sender.ts";
import type { SourceFrame } from "../../server/src/cli/jpeg-sources.ts";
import { mean, quantile } from "./bench-stats.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

/** Options for {@link runStreamLoad}. */
export interface StreamLoadOptions {
  /** host:port of the native gRPC server. */
  readonly target: string;
  /** Concurrent StreamFrames sessions, each on its own connection (as separate cameras would be). */
  readonly sessions: number;
  /** Frames in flight per session. */
  readonly window: number;
  readonly jpegs: readonly Uint8Array[];
  /** Acks before this are not counted (ramp-up of a new session). */
  readonly warmupMs: number;
  /** Length of the counted window. */
  readonly durationMs: number;
  /** Frame interval on the capture clock, for the tracker (the clip's 10 fps). */
  readonly frameIntervalMs?: number;
}

/** What one load run measured, over the counted window. */
export interface StreamLoadResult {
  /** Processed acks per second, all sessions together. */
  readonly fps: number;
  readonly perSessionFps: number[];
  readonly processed: number;
  /** Acks that were not PROCESSED, over the whole run (0 at window 2 while there are no more sessions than workers; beyond that, frames waiting for a worker may be overtaken). */
  readonly notProcessed: number;
  /** Means of the server's own per-frame timings, from the acks (means, since they add up to the frame rate). */
  readonly serverMs: { queued: number; decode: number; detect: number; track: number; total: number };
  readonly rttP50Ms: number;
  readonly rttP95Ms: number;
  /** CPU time this (client) process spent during the run, per processed frame (warm-up included). */
  readonly clientCpuMsPerFrame: number;
}

/** Frames from `jpegs`, round robin from `offset`, until `stopAt` (performance.now() time). */
async function* framesUntil(jpegs: readonly Uint8Array[], offset: number, stopAt: number, intervalMs: number): AsyncGenerator<SourceFrame> {
  for (let i = 0; performance.now() < stopAt; i++) {
    yield { jpeg: jpegs[(offset + i) % jpegs.length]!, ptsMs: i * intervalMs };
  }
}

/**
 * Drives the server the way native senders do: `sessions` StreamFrames calls
 * through the project's own sender (`cli/frame-sender.ts`, pace "max"), each
 * keeping `window` frames in flight, and counts PROCESSED acks that arrive
 * inside the window [start + warmup, start + warmup + duration].
 */
export async function runStreamLoad(options: StreamLoadOptions): Promise<StreamLoadResult> {
  const start = performance.now();
  const from = start + options.warmupMs;
  const to = from + options.durationMs;
  const cpuBefore = process.cpuUsage();
  const counted = Array.from({ length: options.sessions }, () => 0);
  const timings: FrameAck["timings"][] = [];
  const rtts: number[] = [];
  let notProcessed = 0;
  let allProcessed = 0;
  const spacing = Math.floor(options.jpegs.length / options.sessions);
  await Promise.all(
    counted.map((_, s) =>
      sendFrames(framesUntil(options.jpegs, s * spacing, to, options.frameIntervalMs ?? 100), {
        targets: [options.target],
        cameraId: `bench-${s}`,
        cameraName: `bench camera ${s}`,
        token: TEST_CAPTURE_TOKEN,
        pace: "max",
        window: options.window,
        onAck(ack, rttMs) {
          if (ack.status !== FrameStatus.PROCESSED) {
            notProcessed++;
            return;
          }
          allProcessed++;
          const now = performance.now();
          if (now < from || now > to) return;
          counted[s]!++;
          timings.push(ack.timings);
          rtts.push(rttMs);
        },
      }),
    ),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const processed = counted.reduce((a, b) => a + b, 0);
  const seconds = options.durationMs / 1000;
  const of = (pick: (t: NonNullable<FrameAck["timings"]>) => number) => mean(timings.flatMap((t) => (t ? [pick(t)] : [])));
  return {
    fps: processed / seconds,
    perSessionFps: counted.map((n) => n / seconds),
    processed,
    notProcessed,
    serverMs: { queued: of((t) => t.queuedMs), decode: of((t) => t.decodeMs), detect: of((t) => t.detectMs), track: of((t) => t.trackMs), total: of((t) => t.totalMs) },
    rttP50Ms: quantile(rtts, 0.5),
    rttP95Ms: quantile(rtts, 0.95),
    clientCpuMsPerFrame: (cpu.user + cpu.system) / 1000 / Math.max(1, allProcessed),
  };
}
