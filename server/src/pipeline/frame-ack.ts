import { performance } from "node:perf_hooks";
import type { FrameAck, FrameStatus, Person } from "@headcount/proto/types";
import type { CountTotals } from "../count/count-types.ts";
import type { PendingFrame } from "../session/capture-session.ts";

/** What the pipeline says about one frame, before it becomes an ack. */
export interface FrameResult {
  readonly status: FrameStatus;
  readonly detail?: string;
  readonly decodedWidth?: number;
  readonly decodedHeight?: number;
  readonly people?: Person[];
  readonly totals?: CountTotals;
  readonly timings?: { queuedMs: number; decodeMs: number; detectMs: number; trackMs: number };
  /** Processed without running the detector: the motion gate saw nothing move. */
  readonly detectionSkipped?: boolean;
}

/** The ack of `frame`, with the camera's counts after it (`totals`, when it has any). */
export function frameAck(frame: PendingFrame, result: FrameResult, totals: CountTotals | null | undefined): FrameAck {
  const totalMs = performance.now() - frame.receivedAtPerf;
  return {
    seq: frame.seq,
    status: result.status,
    detail: result.detail ?? "",
    capturedAtMs: frame.capturedAtMs,
    receivedAtMs: frame.receivedAtMs,
    decodedWidth: result.decodedWidth ?? 0,
    decodedHeight: result.decodedHeight ?? 0,
    jpegBytes: frame.jpeg.length,
    people: result.people ?? [],
    counts: totals
      ? { inView: totals.inView, entered: totals.entered, exited: totals.exited, crossedIn: totals.crossedIn, crossedOut: totals.crossedOut }
      : undefined,
    timings: { queuedMs: 0, decodeMs: 0, detectMs: 0, trackMs: 0, ...result.timings, totalMs },
    detectionSkipped: result.detectionSkipped ?? false,
  };
}
