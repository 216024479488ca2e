/**
 * A complete (bounded) record of what the capture page did, published as
 * `window.__headcountCapture` as a debugging and test aid: an automated
 * browser test reads it to check every sent frame against its ack. It is not
 * an API; the page works the same without anyone reading it.
 */

import type { AckStatusName } from "./ack-stats.ts";
import type { AckRow } from "./capture-view.ts";

/** Each array keeps at most this many of its newest entries. */
export const RECORD_LIMIT = 5_000;

/** One ack as recorded. */
export interface RecordedAck {
  readonly seq: number;
  readonly status: AckStatusName;
  /** The size the page encoded (0 when the frame was not sent by this page). */
  readonly sentWidth: number;
  readonly sentHeight: number;
  /** The size the server decoded. */
  readonly decodedWidth: number;
  readonly decodedHeight: number;
  /** Ack arrival minus capture time, ms (both on the page's clock). */
  readonly latencyMs: number;
  /** People in the ack. */
  readonly people: number;
  /** The camera's entered/exited counts after this frame (0 when the ack had no counts). */
  readonly entered: number;
  readonly exited: number;
}

/** The shape of `window.__headcountCapture`. */
export interface HeadcountCaptureRecord {
  /** The current session id ("" before the first OpenSession). */
  sessionId: string;
  cameraId: string;
  /** Acks in arrival order. */
  readonly acks: RecordedAck[];
  /** Seqs passed to UploadFrame, in order (including uploads that then failed). */
  readonly sentSeqs: number[];
  /** Seqs dropped on the page because the upload window was full. */
  readonly droppedClientSeqs: number[];
  /** Seqs skipped because the JPEG exceeded the server's max_frame_bytes. */
  readonly oversizeSeqs: number[];
  /** Seqs whose UploadFrame call failed. */
  readonly uploadErrorSeqs: number[];
}

declare global {
  interface Window {
    /** Debugging/test aid; see capture-record.ts. */
    __headcountCapture?: HeadcountCaptureRecord;
  }
}

/** Creates the record and publishes it on `window` (when there is one). */
export function createCaptureRecord(cameraId: string): HeadcountCaptureRecord {
  const record: HeadcountCaptureRecord = {
    sessionId: "",
    cameraId,
    acks: [],
    sentSeqs: [],
    droppedClientSeqs: [],
    oversizeSeqs: [],
    uploadErrorSeqs: [],
  };
  if (typeof window !== "undefined") window.__headcountCapture = record;
  return record;
}

/** Appends to one of the record's arrays, dropping the oldest entries beyond {@link RECORD_LIMIT}. */
export function appendBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > RECORD_LIMIT) list.splice(0, list.length - RECORD_LIMIT);
}

/** Records an ack as the page showed it (`row`), with the camera's counts it carried. */
export function recordAck(record: HeadcountCaptureRecord, row: AckRow): void {
  appendBounded(record.acks, {
    seq: row.seq,
    status: row.status,
    sentWidth: row.sentWidth,
    sentHeight: row.sentHeight,
    decodedWidth: row.decodedWidth,
    decodedHeight: row.decodedHeight,
    latencyMs: row.latencyMs,
    people: row.people,
    entered: row.counts?.entered ?? 0,
    exited: row.counts?.exited ?? 0,
  });
}
