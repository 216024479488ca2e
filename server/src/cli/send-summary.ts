import type { Counts } from "@headcount/proto/types";

/** A stream that worked broke: why, what was lost, and how long the sender will try to reconnect. */
export interface DisconnectNotice {
  readonly target: string;
  readonly reason: string;
  readonly lost: number;
  readonly tryForMs: number;
}

/** What a run did, for people and for machines (`--json`). */
export interface SendSummary {
  sessionId: string;
  /** The server the last session was opened on. */
  server: string;
  sent: number;
  skipped: number;
  acked: number;
  processed: number;
  /** Processed frames on which the server's motion gate skipped detection. */
  detectionSkipped: number;
  droppedStale: number;
  rejected: number;
  /** Frames in flight when the stream broke: never acked. */
  lost: number;
  /** Times the stream broke and was reopened (with a new session). */
  reconnects: number;
  maxInView: number;
  /** In view per acked frame, in seq order (processed frames only). */
  inViewPerFrame: number[];
  counts: Counts;
  rttP50Ms: number;
  rttP95Ms: number;
  durationS: number;
  ackedFps: number;
}
