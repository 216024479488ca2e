/**
 * The frame loop: a timer at the chosen fps (not requestAnimationFrame, which
 * stops in background tabs and on a screen-less Pi; the timer runs in a worker,
 * see frame-timer.ts), each tick encoding the current video frame and
 * uploading it with UploadFrame.
 *
 * At most `window.limit` frames are between capture and the server's answer;
 * a tick that finds the window full drops its frame and counts it (a queue
 * would only make every later frame older). Seq numbers start at 1 and keep
 * increasing for the page's lifetime, across sessions, and are also given to
 * dropped frames so each drop can be identified.
 */

import type { CaptureServiceClient } from "@headcount/proto/capture-client";
import { describeFailure, isTakeover, isTransient, toCallFailure } from "../rpc-errors.ts";
import type { CallFailure } from "../rpc-errors.ts";
import { UNARY_DEADLINE_MS, callOptions, withDeadline } from "../transport.ts";
import type { AckStats } from "./ack-stats.ts";
import { appendBounded } from "./capture-record.ts";
import type { HeadcountCaptureRecord } from "./capture-record.ts";
import { FrameEncoder } from "./frame-encoder.ts";
import { createFrameTimer } from "./frame-timer.ts";
import type { FrameTimer } from "./frame-timer.ts";
import type { EncodedFrame } from "./frame-encoder.ts";
import type { OpenedSession } from "./session-link-types.ts";
import type { UploadWindow } from "./upload-window.ts";

/** What the pump reads on every tick and reports to. */
export interface FramePumpHost {
  readonly client: CaptureServiceClient;
  readonly stats: AckStats;
  readonly record: HeadcountCaptureRecord;
  readonly window: UploadWindow;
  /** The frame source. */
  video(): HTMLVideoElement | null;
  /** The session to upload to, or null while there is none or a backoff runs (the tick then does nothing). */
  liveSession(): OpenedSession | null;
  /** Current fps (already clamped to the server's max), width and quality. */
  fps(): number;
  width(): number;
  quality(): number;
  /** A frame went out with this size (the ack table shows it next to the decoded size). */
  sent(seq: number, width: number, height: number): void;
  /** The upload to `session` answered OK. */
  uploaded(session: OpenedSession): void;
  /** A problem worth showing; `reconnect` when the link should back off and reconnect. */
  problem(message: string, kind: "connection" | "upload", reconnect: boolean): void;
  /** The session is gone (NOT_FOUND). */
  sessionLost(session: OpenedSession): void;
  /** Another device or page took the session's camera over (ABORTED): final. */
  takenOver(session: OpenedSession, failure: CallFailure): void;
  /** A softer hint. */
  notice(message: string): void;
}

/** Drives ticks between {@link start} and {@link stop}. */
export class FramePump {
  readonly #host: FramePumpHost;
  readonly #encoder = new FrameEncoder();
  #nextSeq = 1;
  #timer: FrameTimer | null = null;
  #nextDueMs = 0;
  #generation = 0;

  /** Creates an idle pump. */
  constructor(host: FramePumpHost) {
    this.#host = host;
  }

  /** Starts ticking (the first tick is immediate). */
  start(): void {
    this.stop();
    this.#nextDueMs = 0;
    this.#schedule(this.#generation);
  }

  /** Stops ticking; uploads in flight finish but their results are ignored. */
  stop(): void {
    this.#generation += 1;
    this.#timer?.dispose();
    this.#timer = null;
  }

  #schedule(generation: number): void {
    const interval = 1000 / Math.max(1, this.#host.fps());
    const now = performance.now();
    // Fixed cadence from the first tick; after a stall (throttled tab) resume without a burst.
    this.#nextDueMs = this.#nextDueMs === 0 || this.#nextDueMs + interval < now ? now : this.#nextDueMs + interval;
    // Created on first use, so an engine that is never started spawns no worker.
    this.#timer ??= createFrameTimer();
    this.#timer.schedule(this.#nextDueMs - now, () => this.#tick(generation));
  }

  #tick(generation: number): void {
    if (generation !== this.#generation) return;
    this.#schedule(generation);
    const host = this.#host;
    const session = host.liveSession();
    const video = host.video();
    if (!session || !video || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
    const seq = this.#nextSeq++;
    if (!host.window.tryAcquire()) {
      host.stats.recordDroppedClient();
      appendBounded(host.record.droppedClientSeqs, seq);
      return;
    }
    // The capture time is taken before encoding, so the round trip includes it.
    const capturedAtMs = Date.now();
    void this.#send(generation, session, video, seq, capturedAtMs).finally(() => host.window.release());
  }

  async #send(
    generation: number,
    session: OpenedSession,
    video: HTMLVideoElement,
    seq: number,
    capturedAtMs: number,
  ): Promise<void> {
    const host = this.#host;
    let encoded: EncodedFrame | null;
    // A frame that gets a seq but is never sent is counted as dropped on the page,
    // so the seqs the server acks have no unexplained gaps.
    const abandon = (): void => {
      host.stats.recordDroppedClient();
      appendBounded(host.record.droppedClientSeqs, seq);
    };
    try {
      encoded = await this.#encoder.encode(video, host.width(), host.quality());
    } catch (error) {
      abandon();
      host.problem(`Could not encode a frame: ${error instanceof Error ? error.message : String(error)}`, "upload", false);
      return;
    }
    // Stopped, or the session changed, while encoding.
    if (!encoded || generation !== this.#generation || host.liveSession() !== session) return abandon();
    const maxBytes = session.limits?.maxFrameBytes ?? 0;
    if (maxBytes > 0 && encoded.jpeg.byteLength > maxBytes) {
      host.stats.recordOversize();
      appendBounded(host.record.oversizeSeqs, seq);
      host.notice(
        `Frame ${seq} is ${kb(encoded.jpeg.byteLength)}, over the server's ${kb(maxBytes)} limit, and was skipped. ` +
          "Lower the JPEG quality or the width.",
      );
      return;
    }
    host.stats.recordSent(Date.now());
    appendBounded(host.record.sentSeqs, seq);
    host.sent(seq, encoded.width, encoded.height);
    try {
      const frame = { seq, capturedAtMs, jpeg: encoded.jpeg, width: encoded.width, height: encoded.height };
      await withDeadline(UNARY_DEADLINE_MS, undefined, (signal) =>
        host.client.uploadFrame({ sessionId: session.id, frame }, callOptions(session.id, signal, session.token)).response,
      );
      if (generation === this.#generation) host.uploaded(session);
    } catch (error) {
      host.stats.recordUploadError();
      appendBounded(host.record.uploadErrorSeqs, seq);
      if (generation === this.#generation) this.#failed(session, seq, toCallFailure(error));
    }
  }

  #failed(session: OpenedSession, seq: number, failure: CallFailure): void {
    const host = this.#host;
    if (isTakeover(failure)) {
      host.takenOver(session, failure);
    } else if (failure.code === "NOT_FOUND") {
      host.sessionLost(session);
    } else if (isTransient(failure)) {
      host.problem(`Upload of frame ${seq} failed: ${describeFailure(failure)}; reconnecting.`, "connection", true);
    } else {
      const hint =
        failure.code === "RESOURCE_EXHAUSTED" ? " (the server is over its limits: lower the fps, width or quality)" : "";
      host.problem(`Frame ${seq} was refused: ${describeFailure(failure)}${hint}`, "upload", false);
    }
  }
}

function kb(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KB`;
}
