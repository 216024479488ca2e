/**
 * The capture engine: camera -> JPEG -> UploadFrame, and WatchAcks -> stats.
 * Framework-free; the React page subscribes to it with useSyncExternalStore.
 *
 * It composes the camera (camera-source), the {@link SessionLink} (session +
 * ack stream + reconnects) and the {@link FramePump} (timer, encoder, upload
 * window), and folds everything they report into one immutable
 * {@link CaptureView}.
 */

import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import type { CountingLine, FrameAck } from "@headcount/proto/types";
import { describeFailure, toCallFailure } from "../rpc-errors.ts";
import type { CallFailure } from "../rpc-errors.ts";
import { UNARY_DEADLINE_MS, callOptions, createTransport, withDeadline } from "../transport.ts";
import { AckStats } from "./ack-stats.ts";
import { CameraFeed } from "./camera-feed.ts";
import { cameraSupportProblem, describeCameraError, listVideoInputs } from "./camera-source.ts";
import { createCaptureRecord, recordAck } from "./capture-record.ts";
import type { HeadcountCaptureRecord } from "./capture-record.ts";
import { normalizeCameraName } from "./camera-identity.ts";
import { effectiveFps } from "./capture-settings.ts";
import type { CaptureSettings } from "./capture-settings.ts";
import { ACK_ROWS, initialCaptureView, toAckRow } from "./capture-view.ts";
import type { CaptureView, ConnectionState } from "./capture-view.ts";
import { FramePump } from "./frame-pump.ts";
import { SentFrames } from "./sent-frames.ts";
import { SessionLink } from "./session-link.ts";
import type { OpenedSession } from "./session-link.ts";
import { UploadWindow, windowSize } from "./upload-window.ts";

/** How the engine is set up. */
export interface CaptureEngineOptions {
  /** gRPC-Web base URL, or null when the configuration is invalid. */
  readonly baseUrl: string | null;
  /** Shown (and Start refused) when baseUrl is null. */
  readonly configError: string | null;
  readonly cameraId: string;
  readonly cameraName: string;
  /** The camera's pairing token or the shared capture token, null when this device is not paired. */
  readonly captureToken?: string | null;
  readonly settings: CaptureSettings;
  /** Remembers the server's name of the camera (the page shows it on its next visit before connecting). */
  readonly rememberName?: (name: string) => void;
}

type ErrorKind = "config" | "camera" | "connection" | "upload";

/** Upload errors stay on screen at least this long, so a single failure is readable. */
const ERROR_HOLD_MS = 5_000;
/** After Stop, how long the page still waits for the acks of frames already uploaded. */
const STOP_DRAIN_MS = 3_000;

/** Drives one capture page. Create once per page; seq numbers continue across Start/Stop and sessions. */
export class CaptureEngine {
  readonly #cameraId: string;
  readonly #count: CountServiceClient | null;
  readonly #link: SessionLink | null;
  readonly #pump: FramePump | null;
  readonly #listeners = new Set<() => void>();
  readonly #stats = new AckStats();
  readonly #window = new UploadWindow();
  readonly #sent = new SentFrames();
  readonly #camera = new CameraFeed();
  readonly #record: HeadcountCaptureRecord;
  #run: AbortController | null = null;
  #refreshTimer: ReturnType<typeof setInterval> | null = null;
  #errorKind: ErrorKind | null = null;
  #errorAtMs = 0;
  #view: CaptureView;
  readonly #hasToken: boolean;
  readonly #rememberName: (name: string) => void;
  /** A name the user typed on this page that the server has not confirmed yet (OpenSession renames with it). */
  #typedName: string | null = null;
  /** True while the frame loop runs (started, and the page visible). */
  #pumping = false;
  /** The camera's name as the server last reported it, null before the first session. */
  #serverName: string | null = null;

  /** Creates an idle engine (state "stopped", or "error" for a bad configuration or an insecure page). */
  constructor(options: CaptureEngineOptions) {
    this.#cameraId = options.cameraId;
    this.#hasToken = Boolean(options.captureToken);
    this.#rememberName = options.rememberName ?? (() => undefined);
    this.#record = createCaptureRecord(options.cameraId);
    const transport = options.baseUrl ? createTransport(options.baseUrl) : null;
    const capture = transport ? new CaptureServiceClient(transport) : null;
    this.#count = transport ? new CountServiceClient(transport) : null;
    this.#link = capture && options.baseUrl ? this.#createLink(capture, options.baseUrl, options.captureToken ?? null) : null;
    this.#pump = capture ? this.#createPump(capture) : null;
    const problem = options.configError ?? cameraSupportProblem();
    this.#errorKind = options.configError ? "config" : problem ? "camera" : null;
    this.#view = initialCaptureView({
      error: problem,
      cameraId: options.cameraId,
      cameraName: options.cameraName,
      settings: options.settings,
      windowSize: this.#window.limit,
      stats: this.#stats.snapshot(Date.now()),
    });
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
    this.#camera.attach(video);
  }

  /** Opens the camera, then the session and both loops. Failures end up in the view, never thrown. */
  async start(): Promise<void> {
    const link = this.#link;
    if (this.#run || !link || !this.#pump || this.#errorKind === "config") return;
    const problem = cameraSupportProblem();
    if (problem) {
      this.#update({ state: "error" });
      return this.#setError("camera", problem);
    }
    const run = new AbortController();
    this.#run = run;
    this.#update({ state: "connecting", running: true, notice: null, retryAtMs: null, refusal: null, takenOver: null });
    this.#clearError("camera", "connection", "upload");
    if (!(await this.#openStream(run))) return;
    this.#refreshTimer = setInterval(() => this.#update({ stats: this.#stats.snapshot(Date.now()) }), 500);
    document.addEventListener("visibilitychange", this.#onVisibility);
    this.#onVisibility();
    void link.run(run.signal);
  }

  /**
   * Pauses the frame loop while the page is hidden (another tab or app in
   * front: the browser throttles it, and frames would only pile up as drops)
   * and resumes it when the page is visible again. The session stays open.
   */
  readonly #onVisibility = (): void => {
    if (!this.#run) return;
    const hidden = document.visibilityState === "hidden";
    if (hidden && this.#pumping) this.#pump?.stop();
    if (!hidden && !this.#pumping) this.#pump?.start();
    this.#pumping = !hidden;
    if (hidden !== this.#view.paused) this.#update({ paused: hidden, ...(hidden ? { people: [], peopleAtMs: null } : {}) });
  };

  /**
   * Stops capturing and turns the camera off; seq numbering continues on the
   * next Start. A user's Stop keeps the ack stream open briefly so the acks of
   * frames already uploaded still arrive; an error stops at once.
   */
  stop(state: ConnectionState = "stopped"): void {
    const run = this.#run;
    this.#run = null;
    this.#pump?.stop();
    this.#pumping = false;
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.#onVisibility);
    // A user's Stop waits (bounded) for the acks of frames already uploaded before ending the session's streams.
    if (run && state === "stopped") {
      const link = this.#link;
      const session = link?.session ?? null;
      // Then the session ends at once: its people still in view exit now, not after the idle timeout.
      void this.#sent.settled(STOP_DRAIN_MS, run.signal).then(() => {
        run.abort();
        return link?.end(session);
      });
    } else run?.abort();
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    this.#refreshTimer = null;
    this.#camera.close();
    this.#update({
      state,
      running: false,
      paused: false,
      retryAtMs: null,
      people: [],
      peopleAtMs: null,
      stats: this.#stats.snapshot(Date.now()),
    });
  }

  /** Applies new settings; a different camera or facing reopens the camera, the rest applies from the next frame. */
  updateSettings(settings: CaptureSettings): void {
    const previous = this.#view.settings;
    this.#update({ settings, effectiveFps: effectiveFps(settings.fps, this.#link?.session?.limits?.maxFps) });
    const run = this.#run;
    if (!run || !this.#camera.isOpen) return;
    if (settings.deviceId !== previous.deviceId || settings.facing !== previous.facing) {
      // Close first: many phones cannot open a second camera while one is open.
      this.#camera.close();
      void this.#openStream(run);
    } else if (settings.width !== previous.width) {
      this.#camera.requestWidth(settings.width);
    }
  }

  /**
   * The user typed a name: it renames the camera with the next OpenSession.
   * Only a typed name is ever sent as a rename; the server's name is the truth
   * otherwise (the count page's Manage may rename the camera meanwhile).
   */
  setCameraName(cameraName: string): void {
    const edited = this.#serverName === null || normalizeCameraName(cameraName) !== this.#serverName;
    this.#typedName = edited ? cameraName : null;
    this.#update({ cameraName, nameEdited: edited && this.#serverName !== null });
  }

  /** Saves (or, with null, clears) the camera's counting line; resolves to an error message or null. */
  async saveLine(line: CountingLine | null): Promise<string | null> {
    if (!this.#count) return "The gRPC-Web endpoint is not configured.";
    try {
      const request = line ? { cameraId: this.#cameraId, line } : { cameraId: this.#cameraId };
      const count = this.#count;
      const session = this.#link?.session;
      // The session's own token lets the capture page set its camera's line without the viewer password.
      const saved = await withDeadline(
        UNARY_DEADLINE_MS,
        undefined,
        (signal) => count.setCountingLine(request, callOptions(session?.id, signal, session?.token)).response,
      );
      this.#update({ line: saved.camera ? (saved.camera.line ?? null) : line });
      return null;
    } catch (error) {
      return `Could not save the counting line: ${describeFailure(toCallFailure(error))}`;
    }
  }

  /** Re-reads the camera list (labels appear after permission). */
  async refreshDevices(): Promise<void> {
    try {
      this.#update({ devices: await listVideoInputs() });
    } catch {
      // The picker keeps its previous list.
    }
  }

  /** Notes the camera's frame size (the page shapes the preview and overlay from it). */
  noteVideoSize(width: number, height: number): void {
    const current = this.#view.videoSize;
    if (width > 0 && height > 0 && (current?.width !== width || current.height !== height)) {
      this.#update({ videoSize: { width, height } });
    }
  }

  async #openStream(run: AbortController): Promise<boolean> {
    try {
      if (!(await this.#camera.open(this.#view.settings, () => this.#run === run))) return false;
      void this.refreshDevices();
      return true;
    } catch (error) {
      if (this.#run !== run) return false;
      this.stop("error");
      this.#setError("camera", describeCameraError(error));
      return false;
    }
  }

  #createLink(capture: CaptureServiceClient, baseUrl: string, captureToken: string | null): SessionLink {
    return new SessionLink({
      client: capture,
      baseUrl,
      captureToken,
      identity: () => ({
        cameraId: this.#cameraId,
        cameraName: this.#typedName === null ? "" : normalizeCameraName(this.#typedName),
        newCameraName: normalizeCameraName(this.#view.cameraName),
      }),
      events: {
        state: (state, retryAtMs) => {
          if (this.#run) this.#update({ state, retryAtMs });
        },
        opened: (session) => this.#onOpened(session),
        ack: (ack) => this.#onAck(ack),
        error: (message) => this.#setError("connection", message),
        notice: (notice) => this.#update({ notice, noticeAtMs: Date.now() }),
        refused: (failure) => this.#onRefused(failure),
        takenOver: (failure) => this.#onTakenOver(failure),
      },
    });
  }

  /** A refused credential is final: stop, and let the page explain how to pair this device. */
  #onRefused(failure: CallFailure): void {
    if (!this.#run) return;
    this.stop("error");
    this.#update({ refusal: { code: failure.code, message: failure.message, hadToken: this.#hasToken } });
  }

  /** Another device took the camera over: final, or the two would take it from each other forever. Start takes it back. */
  #onTakenOver(failure: CallFailure): void {
    if (!this.#run) return;
    this.stop("error");
    this.#update({ takenOver: failure.message });
  }

  #createPump(capture: CaptureServiceClient): FramePump {
    return new FramePump({
      client: capture,
      stats: this.#stats,
      record: this.#record,
      window: this.#window,
      video: () => this.#camera.video,
      liveSession: () => this.#link?.sendableSession ?? null,
      fps: () => this.#view.effectiveFps,
      width: () => this.#view.settings.width,
      quality: () => this.#view.settings.quality,
      sent: (seq, width, height) => this.#sent.sent(seq, width, height),
      uploaded: (session) => {
        this.#link?.confirm(session);
        if (Date.now() - this.#errorAtMs > ERROR_HOLD_MS) this.#clearError("upload");
      },
      problem: (message, kind, reconnect) => {
        this.#setError(kind, message);
        if (reconnect) this.#link?.reconnect();
      },
      sessionLost: (session) => this.#link?.forget(session),
      takenOver: (session, failure) => this.#link?.takenOver(session, failure),
      notice: (notice) => this.#update({ notice, noticeAtMs: Date.now() }),
    });
  }

  #onOpened(session: OpenedSession): void {
    this.#window.setLimit(windowSize(session.limits?.maxInFlight));
    this.#record.sessionId = session.id;
    // The server's name is the truth; a typed name it now holds is no longer pending.
    if (session.cameraName) {
      this.#serverName = session.cameraName;
      if (this.#typedName !== null && normalizeCameraName(this.#typedName) === session.cameraName) this.#typedName = null;
      if (this.#typedName === null) this.#rememberName(session.cameraName);
    }
    this.#update({
      ...(this.#typedName === null && session.cameraName ? { cameraName: session.cameraName } : {}),
      nameEdited: this.#typedName !== null && this.#serverName !== null,
      sessionId: session.id,
      limits: session.limits,
      line: session.line,
      places: session.places,
      windowSize: this.#window.limit,
      effectiveFps: effectiveFps(this.#view.settings.fps, session.limits?.maxFps),
    });
    this.#clearError("connection");
  }

  #onAck(ack: FrameAck): void {
    const now = Date.now();
    const row = toAckRow(ack, now, this.#sent.acked(ack.seq));
    this.#stats.recordAck(now, row.status, row.latencyMs);
    recordAck(this.#record, row);
    this.#update({
      rows: [row, ...this.#view.rows].slice(0, ACK_ROWS),
      counts: ack.counts ?? this.#view.counts,
      // Acks that arrive after Stop (or while paused) draw no boxes: the preview is dark or hidden.
      ...(row.status === "processed" && this.#run && !this.#view.paused ? { people: ack.people, peopleAtMs: now, zoneCounts: ack.zoneCounts } : {}),
      // The camera's lines or zones changed (e.g. drawn on its Manage page): draw the new ones.
      ...(ack.placesChanged
        ? { line: ack.lines.find((l) => l.id === "line")?.line ?? null, places: { lines: ack.lines.filter((l) => l.id !== "line"), zones: ack.zones } }
        : {}),
      stats: this.#stats.snapshot(now),
    });
    this.#clearError("connection");
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
