import { performance } from "node:perf_hooks";
import type { FrameAck, FrameStatus, Person } from "@headcount/proto/types";
import type { CountTotals } from "../count/count-types.ts";
import { checkedJpegSize, DecodeError } from "../decode/jpeg-decoder.ts";
import type { PlaceFigures } from "../camera/place-figures.ts";
import type { CaptureSession, PendingFrame } from "../session/capture-session.ts";
import type { FrameOutcome } from "./messages.ts";
import { placeAckFields } from "./place-ack.ts";

/** The largest frame the header check lets through here; the client's limits were checked on receipt. */
const NO_PIXEL_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * The outcome of a frame the motion gate skips without a look (between the
 * detections that follow a lone person): no worker, only the JPEG header is
 * read, for its size and so that garbage is still rejected.
 */
export function skippedUnseen(jpeg: Uint8Array): FrameOutcome {
  try {
    const { width, height } = checkedJpegSize(jpeg, NO_PIXEL_LIMIT);
    return { kind: "processed", width, height, detections: [], queuedMs: 0, decodeMs: 0, detectMs: 0, detectionSkipped: true };
  } catch (err) {
    return { kind: "rejected", reason: err instanceof DecodeError ? err.message : String(err) };
  }
}

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

/**
 * The ack of `frame`: its outcome, the camera's counts after it (`totals`,
 * when it has any) and each of its lines' and zones' figures.
 */
export function frameAck(
  session: CaptureSession,
  frame: PendingFrame,
  result: FrameResult,
  camera: { readonly totals: CountTotals | null | undefined; readonly places: PlaceFigures },
): FrameAck {
  const totals = camera.totals;
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
    ...placeAckFields(session, camera.places, Date.now()),
    timings: { queuedMs: 0, decodeMs: 0, detectMs: 0, trackMs: 0, ...result.timings, totalMs },
    detectionSkipped: result.detectionSkipped ?? false,
  };
}
