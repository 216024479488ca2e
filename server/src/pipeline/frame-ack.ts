import { FrameStatus, type FrameAck, type Person } from "@headcount/proto/types";
import type { PlaceFigures } from "../camera/place-figures.ts";
import type { CountTotals } from "../count/count-types.ts";
import { toProtoPlaces } from "../rpc/proto-mapping.ts";
import type { CaptureSession, PendingFrame } from "../session/capture-session.ts";

/** What the pipeline made of a frame, for its ack. */
export interface AckResult {
  readonly status: FrameStatus;
  readonly detail?: string;
  readonly decodedWidth?: number;
  readonly decodedHeight?: number;
  readonly people?: Person[];
  readonly totals?: CountTotals;
  readonly timings?: { queuedMs: number; decodeMs: number; detectMs: number; trackMs: number };
}

/**
 * The ack of one frame: its outcome, the camera's counts (the frame's own
 * totals when it was counted, else the camera's current ones) and each line's
 * and zone's figures. A change of the camera's lines or zones reaches the
 * session's client once, on its next ack (`places_changed` with the new ones).
 */
export function buildAck(
  session: CaptureSession,
  frame: PendingFrame,
  result: AckResult,
  camera: { readonly totals: CountTotals | null; readonly places: PlaceFigures },
  totalMs: number,
): FrameAck {
  const figures = camera.places;
  const placesChanged = session.placesTold !== null && session.placesTold !== figures.places;
  if (placesChanged) session.placesTold = figures.places;
  const t = camera.totals;
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
    counts: t ? { inView: t.inView, entered: t.entered, exited: t.exited, crossedIn: t.crossedIn, crossedOut: t.crossedOut } : undefined,
    ...figures.counts(Date.now()),
    placesChanged,
    ...(placesChanged ? toProtoPlaces(figures.places) : { lines: [], zones: [] }),
    timings: { queuedMs: 0, decodeMs: 0, detectMs: 0, trackMs: 0, ...result.timings, totalMs },
  };
}
