/**
 * The capture engine: camera -> JPEG -> UploadFrame, and WatchAcks -> stats.
 * Framework-free; the React page subscribes to it (useSyncExternalStore).
 *
 * Two loops run between Start and Stop:
 * - the connection loop opens a session, keeps WatchAcks open and, when the
 *   stream fails or ends, waits with backoff and tries again (a NOT_FOUND
 *   means the server forgot the session: it opens a new one);
 * - the frame loop ticks at the chosen fps on a timer (not rAF, which stops
 *   in background tabs), encodes a frame and uploads it while the connection
 *   is live, dropping (never queueing) frames when the upload window is full.
 */

import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import type { CountingLine, FrameAck, SessionLimits } from "@headcount/proto/types";
import { callOptions, createTransport } from "../transport.ts";
import { describeFailure, isTransient, toCallFailure } from "../rpc-errors.ts";
import { ReconnectBackoff, sleep } from "../reconnect-backoff.ts";
import { AckStats } from "./ack-stats.ts";
import { cameraSupportProblem, closeCamera, describeCameraError, listVideoInputs, openCamera } from "./camera-source.ts";
import type { VideoInput } from "./camera-source.ts";
import { appendBounded, createCaptureRecord } from "./capture-record.ts";
import type { HeadcountCaptureRecord } from "./capture-record.ts";
import { effectiveFps } from "./capture-settings.ts";
import type { CaptureSettings } from "./capture-settings.ts";
import { ACK_ROWS, toAckRow } from "./capture-view.ts";
import type { AckRow, CaptureView, ConnectionState } from "./capture-view.ts";
import { FrameEncoder } from "./frame-encoder.ts";
import type { EncodedFrame } from "./frame-encoder.ts";
import { UploadWindow, windowSize } from "./upload-window.ts";

/** How the engine is set up. */
export interface CaptureEngineOptions {
  /** gRPC-Web base URL, or null when the configuration is invalid. */
  readonly baseUrl: string | null;
  /** Shown (and Start refused) when baseUrl is null. */
  readonly configError: string | null;
  readonly cameraId: string;
  readonly cameraName: string;
  readonly settings: CaptureSettings;
}

type ErrorKind = "config" | "camera" | "connection" | "upload" | "line";
interface Session {
  readonly id: string;
  readonly limits: SessionLimits | null;
}
/** One Start..Stop; aborting it ends both loops. */
interface Run {
  readonly abort: AbortController;
  stream: MediaStream | null;
}

/** Upload errors stay on screen at least this long, so a single failure is readable. */
const ERROR_HOLD_MS = 5_000;
const SENT_SIZES_LIMIT = 1_000;

/** Drives one capture page. Create once per page; seq numbers continue across Start/Stop and sessions. */
export class CaptureEngine {
  readonly #options: CaptureEngineOptions;
  readonly #capture: CaptureServiceClient | null;
  readonly #count: CountServiceClient | null;
  readonly #listeners = new Set<() => void>();
  readonly #stats = new AckStats();
  readonly #window = new UploadWindow();
  readonly #backoff = new ReconnectBackoff();
  readonly #encoder = new FrameEncoder();
  readonly #sentSizes = new Map<number, { width: number; height: number }>();
  readonly #record: HeadcountCaptureRecord;
  #video: HTMLVideoElement | null = null;
  #run: Run | null = null;
  #session: Session | null = null;
  #watchAbort: AbortController | null = null;
  #tickTimer: ReturnType<typeof setTimeout> | null = null;
  #refreshTimer: ReturnType<typeof setInterval> | null = null;
  #nextDueMs = 0;
  #nextSeq = 1;
  #lastAckedSeq = 0;
  #errorKind: ErrorKind | null = null;
  #errorAtMs = 0;
  #view: CaptureView;

  /** Creates an idle engine (state "stopped", or "error" for a bad configuration). */
  constructor(options: CaptureEngineOptions) {
    this.#options = options;
    const transport = options.baseUrl ? createTransport(options.baseUrl) : null;
    this.#capture = transport ? new CaptureServiceClient(transport) : null;
    this.#count = transport ? new CountServiceClient(transport) : null;
    this.#record = createCaptureRecord(options.cameraId);
    this.#view = {
      state: options.configError ? "error" : "stopped",
      retryAtMs: null,
      error: options.configError ?? cameraSupportProblem(),
      notice: null,
      cameraId: options.cameraId,
      cameraName: options.cameraName,
      sessionId: null,
      limits: null,
      settings: options.settings,
      effectiveFps: options.settings.fps,
      windowSize: this.#window.limit,
      line: null,
      counts: null,
      people: [],
      rows: [],
      stats: this.#stats.snapshot(Date.now()),
      devices: [],
      running: false,
      videoSize: null,
    };
    if (options.configError) this.#errorKind = "config";
    else if (this.#view.error) this.#errorKind = "camera";
  }

  /** useSyncExternalStore's subscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** useSyncExternalStore's getSnapshot: the same object until something changes. */
  readonly getSnapshot = (): CaptureView => this.#view;

  /** The <video> element that shows the camera and is the frame source. */
  attachVideo(video: HTMLVideoElement | null): void {
    this.#video = video;
  }

  /** Starts camera, session and loops. Errors end up in the view, never thrown. */
  async start(): Promise<void> {
    const capture = this.#capture;
    if (this.#run || !capture) return;
    const problem = cameraSupportProblem();
    if (problem) {
      this.#update({ state: "error" });
      return this.#setError("camera", problem);
    }
    const run: Run = { abort: new AbortController(), stream: null };
    this.#run = run;
    this.#update({ state: "connecting", running: true, notice: null, retryAtMs: null });
    this.#clearError("camera", "connection", "upload", "line");
    if (!(await this.#openStream(run))) return;
    this.#refreshTimer = setInterval(() => this.#update({ stats: this.#stats.snapshot(Date.now()) }), 500);
    this.#nextDueMs = 0;
    this.#scheduleTick(run);
    void this.#connectionLoop(run, capture);
  }

  /** Stops everything and turns the camera off; seq numbering continues on the next Start. */
  stop(state: ConnectionState = "stopped"): void {
    const run = this.#run;
    this.#run = null;
    run?.abort.abort();
    if (this.#tickTimer) clearTimeout(this.#tickTimer);
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    this.#tickTimer = this.#refreshTimer = null;
    closeCamera(run?.stream ?? null);
    if (this.#video) this.#video.srcObject = null;
    this.#session = null;
    this.#update({ state, running: false, retryAtMs: null, people: [], stats: this.#stats.snapshot(Date.now()) });
  }

  /** Applies new settings; a different camera or facing reopens the camera, the rest applies to the next frame. */
  updateSettings(settings: CaptureSettings): void {
    const previous = this.#view.settings;
    this.#update({ settings, effectiveFps: effectiveFps(settings.fps, this.#session?.limits?.maxFps) });
    const run = this.#run;
    if (!run?.stream) return;
    if (settings.deviceId !== previous.deviceId || settings.facing !== previous.facing) {
      closeCamera(run.stream);
      run.stream = null;
      void this.#openStream(run);
    } else if (settings.width !== previous.width) {
      const [track] = run.stream.getVideoTracks();
      // Best effort: a camera that cannot change size is still scaled by the encoder.
      track?.applyConstraints({ width: { ideal: Math.max(settings.width, 640) } }).catch(() => undefined);
    }
  }

  /** Sets the display name sent with the next OpenSession. */
  setCameraName(cameraName: string): void {
    this.#update({ cameraName });
  }

  /** Saves (or, with null, clears) the camera's counting line. Resolves to an error message or null. */
  async saveLine(line: CountingLine | null): Promise<string | null> {
    if (!this.#count) return this.#options.configError;
    try {
      const request = line ? { cameraId: this.#options.cameraId, line } : { cameraId: this.#options.cameraId };
      const { response } = this.#count.setCountingLine(request, callOptions(this.#session?.id));
      const saved = await response;
      this.#update({ line: saved.camera?.line ?? line });
      return null;
    } catch (error) {
      return `Could not save the counting line: ${describeFailure(toCallFailure(error))}`;
    }
  }

  /** Re-reads the camera list (labels appear after permission). */
  async refreshDevices(): Promise<void> {
    try {
      const devices: VideoInput[] = await listVideoInputs();
      this.#update({ devices });
    } catch {
      // The picker just stays as it was.
    }
  }

  /** Notes the camera's frame size (the page sizes the overlay from it). */
  noteVideoSize(width: number, height: number): void {
    const current = this.#view.videoSize;
    if (width > 0 && height > 0 && (current?.width !== width || current?.height !== height)) {
      this.#update({ videoSize: { width, height } });
    }
  }

  async #openStream(run: Run): Promise<boolean> {
    const settings = this.#view.settings;
    try {
      const stream = await openCamera(settings);
      if (run.abort.signal.aborted || this.#run !== run) {
        closeCamera(stream);
        return false;
      }
      run.stream = stream;
      const video = this.#video;
      if (video) {
        video.srcObject = stream;
        await video.play();
      }
      void this.refreshDevices();
      return true;
    } catch (error) {
      if (this.#run !== run) return false;
      this.stop("error");
      this.#setError("camera", describeCameraError(error));
      return false;
    }
  }

  async #connectionLoop(run: Run, capture: CaptureServiceClient): Promise<void> {
    const signal = run.abort.signal;
    let wasLive = false;
    while (!signal.aborted) {
      if (!this.#session) {
        this.#update({ state: wasLive ? "reconnecting" : "connecting", retryAtMs: null });
        if (!(await this.#openSession(run, capture))) {
          if (signal.aborted) return;
          await this.#backoffWait(run);
          continue;
        }
      }
      const session = this.#session;
      if (!session) continue;
      const watch = new AbortController();
      const onStop = (): void => watch.abort();
      signal.addEventListener("abort", onStop, { once: true });
      this.#watchAbort = watch;
      const openedAt = Date.now();
      wasLive = true;
      this.#update({ state: "live", retryAtMs: null });
      try {
        const call = capture.watchAcks(
          { sessionId: session.id, resumeAfterSeq: this.#lastAckedSeq },
          callOptions(session.id, watch.signal),
        );
        for await (const message of call.responses) {
          if (message.ack) this.#onAck(message.ack);
        }
      } catch (error) {
        if (signal.aborted) return;
        const failure = toCallFailure(error);
        if (failure.code === "NOT_FOUND") {
          if (this.#session === session) this.#session = null;
          this.#update({ notice: "The server no longer knows this session (restarted?); opening a new one." });
        } else if (!watch.signal.aborted) {
          this.#setError("connection", `Lost the ack stream: ${describeFailure(failure)}`);
        }
      } finally {
        signal.removeEventListener("abort", onStop);
        if (this.#watchAbort === watch) this.#watchAbort = null;
      }
      if (signal.aborted) return;
      // A stream that lived a while was a success: the next failure starts from the short delay.
      if (Date.now() - openedAt > 10_000) this.#backoff.reset();
      await this.#backoffWait(run);
    }
  }

  async #openSession(run: Run, capture: CaptureServiceClient): Promise<boolean> {
    try {
      const { response } = capture.openSession(
        { cameraId: this.#options.cameraId, cameraName: this.#view.cameraName },
        callOptions(null, run.abort.signal),
      );
      const opened = await response;
      if (run.abort.signal.aborted) return false;
      const limits = opened.limits ?? null;
      this.#session = { id: opened.sessionId, limits };
      this.#window.setLimit(windowSize(limits?.maxInFlight));
      this.#record.sessionId = opened.sessionId;
      this.#update({
        sessionId: opened.sessionId,
        limits,
        line: opened.line ?? null,
        windowSize: this.#window.limit,
        effectiveFps: effectiveFps(this.#view.settings.fps, limits?.maxFps),
      });
      this.#clearError("connection");
      return true;
    } catch (error) {
      if (run.abort.signal.aborted) return false;
      const failure = toCallFailure(error);
      const where = this.#options.baseUrl ?? "";
      const message = failure.network
        ? `Cannot reach the headcount server at ${where} (${failure.message}). Is it running, and is this address reachable from this device?`
        : `Could not open a capture session: ${describeFailure(failure)}`;
      this.#setError("connection", message);
      return false;
    }
  }

  async #backoffWait(run: Run): Promise<void> {
    const delay = this.#backoff.next();
    this.#update({ state: "reconnecting", retryAtMs: Date.now() + delay });
    await sleep(delay, run.abort.signal);
  }

  /** Ends the ack stream so the connection loop backs off and reconnects. */
  #kick(): void {
    this.#watchAbort?.abort();
  }

  #onAck(ack: FrameAck): void {
    const now = Date.now();
    const sent = this.#sentSizes.get(ack.seq);
    this.#sentSizes.delete(ack.seq);
    const row: AckRow = toAckRow(ack, now, sent);
    this.#stats.recordAck(now, row.status, row.latencyMs);
    this.#lastAckedSeq = Math.max(this.#lastAckedSeq, ack.seq);
    this.#backoff.reset();
    appendBounded(this.#record.acks, {
      seq: row.seq,
      status: row.status,
      sentWidth: row.sentWidth,
      sentHeight: row.sentHeight,
      decodedWidth: row.decodedWidth,
      decodedHeight: row.decodedHeight,
      latencyMs: row.latencyMs,
      people: row.people,
      entered: ack.counts?.entered ?? 0,
      exited: ack.counts?.exited ?? 0,
    });
    this.#update({
      rows: [row, ...this.#view.rows].slice(0, ACK_ROWS),
      counts: ack.counts ?? this.#view.counts,
      people: row.status === "processed" ? ack.people : this.#view.people,
      stats: this.#stats.snapshot(now),
    });
    this.#clearError("connection");
  }

  #scheduleTick(run: Run): void {
    const interval = 1000 / Math.max(1, this.#view.effectiveFps);
    const now = performance.now();
    // Fixed cadence from the first tick; after a stall (background tab) resume without a burst.
    this.#nextDueMs = this.#nextDueMs === 0 || this.#nextDueMs + interval < now ? now : this.#nextDueMs + interval;
    this.#tickTimer = setTimeout(() => this.#tick(run), Math.max(0, this.#nextDueMs - now));
  }

  #tick(run: Run): void {
    if (this.#run !== run) return;
    this.#scheduleTick(run);
    const session = this.#session;
    const video = this.#video;
    const capture = this.#capture;
    if (!capture || this.#view.state !== "live" || !session || !video || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
      return;
    }
    const seq = this.#nextSeq++;
    if (!this.#window.tryAcquire()) {
      this.#stats.recordDroppedClient();
      appendBounded(this.#record.droppedClientSeqs, seq);
      return;
    }
    void this.#sendFrame(run, capture, session, video, seq, Date.now()).finally(() => {
      this.#window.release();
    });
  }

  async #sendFrame(
    run: Run,
    capture: CaptureServiceClient,
    session: Session,
    video: HTMLVideoElement,
    seq: number,
    capturedAtMs: number,
  ): Promise<void> {
    const { width, quality } = this.#view.settings;
    let encoded: EncodedFrame | null;
    try {
      encoded = await this.#encoder.encode(video, width, quality);
    } catch (error) {
      this.#setError("upload", `Could not encode a frame: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (!encoded || this.#run !== run || this.#session !== session) return;
    const maxBytes = session.limits?.maxFrameBytes ?? 0;
    if (maxBytes > 0 && encoded.jpeg.byteLength > maxBytes) {
      this.#stats.recordOversize();
      appendBounded(this.#record.oversizeSeqs, seq);
      const kb = (n: number): string => `${Math.ceil(n / 1024)} KB`;
      this.#update({
        notice: `Frame ${seq} is ${kb(encoded.jpeg.byteLength)}, over the server's ${kb(maxBytes)} limit, and was skipped. Lower the JPEG quality or the width.`,
      });
      return;
    }
    this.#stats.recordSent(Date.now());
    appendBounded(this.#record.sentSeqs, seq);
    this.#sentSizes.set(seq, { width: encoded.width, height: encoded.height });
    if (this.#sentSizes.size > SENT_SIZES_LIMIT) {
      const oldest = this.#sentSizes.keys().next();
      if (!oldest.done) this.#sentSizes.delete(oldest.value);
    }
    try {
      const frame = { seq, capturedAtMs, jpeg: encoded.jpeg, width: encoded.width, height: encoded.height };
      await capture.uploadFrame({ sessionId: session.id, frame }, callOptions(session.id, run.abort.signal)).response;
      if (Date.now() - this.#errorAtMs > ERROR_HOLD_MS) this.#clearError("upload");
    } catch (error) {
      if (this.#run !== run) return;
      this.#onUploadError(session, seq, toCallFailure(error));
    }
  }

  #onUploadError(session: Session, seq: number, failure: ReturnType<typeof toCallFailure>): void {
    this.#stats.recordUploadError();
    appendBounded(this.#record.uploadErrorSeqs, seq);
    if (this.#session !== session) return;
    if (failure.code === "NOT_FOUND") {
      this.#session = null;
      this.#update({ notice: "The server no longer knows this session (restarted?); opening a new one." });
      this.#kick();
    } else if (isTransient(failure)) {
      this.#setError("connection", `Upload of frame ${seq} failed: ${describeFailure(failure)}; reconnecting.`);
      this.#kick();
    } else {
      const hint =
        failure.code === "RESOURCE_EXHAUSTED" ? " (the server is over its limits: lower the fps, width or quality)" : "";
      this.#setError("upload", `Frame ${seq} was refused: ${describeFailure(failure)}${hint}`);
    }
  }

  /** Merges a change into a new view object and notifies subscribers. */
  #update(patch: Partial<CaptureView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const listener of this.#listeners) listener();
  }

  /** Shows an error; its kind decides what clears it later. */
  #setError(kind: ErrorKind, message: string): void {
    this.#errorKind = kind;
    this.#errorAtMs = Date.now();
    this.#update({ error: message });
  }

  /** Clears the shown error if it is of one of these kinds (a config error never clears). */
  #clearError(...kinds: ErrorKind[]): void {
    if (this.#errorKind && kinds.includes(this.#errorKind)) {
      this.#errorKind = null;
      this.#update({ error: null });
    }
  }
}
