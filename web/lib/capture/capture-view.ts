/**
 * What the capture page renders: the engine's state as plain, immutable
 * data, and the pure conversion from a FrameAck to a table row.
 */

import { FrameStatus } from "@headcount/proto/types";
import type { Counts, CountingLine, FrameAck, FrameTimings, NamedLine, Person, SessionLimits, Zone, ZoneCounts } from "@headcount/proto/types";
import type { AckStatusName, StatsSnapshot } from "./ack-stats.ts";
import type { VideoInput } from "./camera-source.ts";
import type { CaptureSettings } from "./capture-settings.ts";

/** The connection state; also the exact text of `data-testid="capture-state"`. */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "stopped" | "error";

/** How many acks the table shows. */
export const ACK_ROWS = 30;

/** One row of the ack table. */
export interface AckRow {
  readonly seq: number;
  readonly status: AckStatusName;
  /** The server's reason for DROPPED_STALE / REJECTED. */
  readonly detail: string;
  /** Ack arrival minus capture time, ms, rounded. */
  readonly latencyMs: number;
  /** What the page encoded; 0 if unknown (e.g. an ack replayed from before a reload). */
  readonly sentWidth: number;
  readonly sentHeight: number;
  readonly decodedWidth: number;
  readonly decodedHeight: number;
  readonly jpegBytes: number;
  readonly people: number;
  readonly timings: FrameTimings | null;
  readonly counts: Counts | null;
  /** Processed without running the detector: the server saw nothing move, the counts stay. */
  readonly detectionSkipped: boolean;
}

/** Why the server refused to open a session for this device. */
export interface Refusal {
  /** "UNAUTHENTICATED" or "PERMISSION_DENIED". */
  readonly code: string;
  /** The server's message (for the diagnostics, not the headline). */
  readonly message: string;
  /** Whether the page had a pairing (or shared) token to offer. */
  readonly hadToken: boolean;
}

/** Everything the capture page shows; a new object on every change. */
export interface CaptureView {
  readonly state: ConnectionState;
  /** When the next reconnect attempt happens (Date.now() clock), while reconnecting. */
  readonly retryAtMs: number | null;
  /** The message of `data-testid="capture-error"`, or null. */
  readonly error: string | null;
  /** A softer hint (e.g. frames too big), or null. */
  readonly notice: string | null;
  /** When the notice was last set (Date.now() clock); the page hides old notices. */
  readonly noticeAtMs: number;
  readonly cameraId: string;
  /** The camera's name: the server's once a session opened, else the link's or the remembered one. */
  readonly cameraName: string;
  /** True when the user typed a name here that the server does not have yet (sent with the next OpenSession). */
  readonly nameEdited: boolean;
  /** The server refused this device's credential: final until the device is paired (see {@link Refusal}). */
  readonly refusal: Refusal | null;
  /**
   * Another device or page took this camera over (the server's message):
   * capture stopped for good; the page offers to take it back (Start).
   */
  readonly takenOver: string | null;
  /** True while capture is paused because the page is hidden (another tab or app in front). */
  readonly paused: boolean;
  readonly sessionId: string | null;
  readonly limits: SessionLimits | null;
  readonly settings: CaptureSettings;
  /** The fps the loop runs at after the server's limit. */
  readonly effectiveFps: number;
  /** Uploads allowed in flight at once. */
  readonly windowSize: number;
  readonly line: CountingLine | null;
  /** The camera's other named lines and its zones (as the session opened), drawn live. */
  readonly places: { readonly lines: readonly NamedLine[]; readonly zones: readonly Zone[] };
  /** Zone figures of the latest processed ack (occupancy tints the zone). */
  readonly zoneCounts: readonly ZoneCounts[];
  /** Counts of the latest ack that had them. */
  readonly counts: Counts | null;
  /** People of the latest processed ack. */
  readonly people: readonly Person[];
  /** When that ack arrived (Date.now() clock); old boxes are not drawn. */
  readonly peopleAtMs: number | null;
  /** Newest first, at most {@link ACK_ROWS}. */
  readonly rows: readonly AckRow[];
  readonly stats: StatsSnapshot;
  readonly devices: readonly VideoInput[];
  /** True between Start and Stop (camera open or opening). */
  readonly running: boolean;
  /** The camera's frame size, once known. */
  readonly videoSize: { readonly width: number; readonly height: number } | null;
}

/** The page's name for a FrameStatus. */
export function statusName(status: FrameStatus): AckStatusName {
  switch (status) {
    case FrameStatus.PROCESSED:
      return "processed";
    case FrameStatus.DROPPED_STALE:
      return "dropped_stale";
    case FrameStatus.REJECTED:
      return "rejected";
    default:
      return "unspecified";
  }
}

/** Builds a table row from an ack received at `nowMs` (Date.now() clock). */
export function toAckRow(
  ack: FrameAck,
  nowMs: number,
  sent: { readonly width: number; readonly height: number } | undefined,
): AckRow {
  return {
    seq: ack.seq,
    status: statusName(ack.status),
    detail: ack.detail,
    latencyMs: Math.max(0, Math.round(nowMs - ack.capturedAtMs)),
    sentWidth: sent?.width ?? 0,
    sentHeight: sent?.height ?? 0,
    decodedWidth: ack.decodedWidth,
    decodedHeight: ack.decodedHeight,
    jpegBytes: ack.jpegBytes,
    people: ack.people.length,
    timings: ack.timings ?? null,
    counts: ack.counts ?? null,
    detectionSkipped: ack.detectionSkipped,
  };
}

/** The view of an idle page: "stopped", or "error" when `error` is set (bad configuration, insecure page). */
export function initialCaptureView(init: {
  readonly error: string | null;
  readonly cameraId: string;
  readonly cameraName: string;
  readonly settings: CaptureSettings;
  readonly windowSize: number;
  readonly stats: StatsSnapshot;
}): CaptureView {
  return {
    state: init.error ? "error" : "stopped",
    retryAtMs: null,
    error: init.error,
    notice: null,
    noticeAtMs: 0,
    cameraId: init.cameraId,
    cameraName: init.cameraName,
    nameEdited: false,
    refusal: null,
    takenOver: null,
    paused: false,
    sessionId: null,
    limits: null,
    settings: init.settings,
    effectiveFps: init.settings.fps,
    windowSize: init.windowSize,
    line: null,
    places: { lines: [], zones: [] },
    zoneCounts: [],
    counts: null,
    people: [],
    peopleAtMs: null,
    rows: [],
    stats: init.stats,
    devices: [],
    running: false,
    videoSize: null,
  };
}
