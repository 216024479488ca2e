/**
 * The capture engine: camera -> JPEG -> UploadFrame, and WatchAcks -> stats.
 * Framework-free; the React page subscribes to it with useSyncExternalStore.
 *
 * It drives the camera (camera-source), the {@link SessionLink} (session +
 * ack stream + reconnects) and the {@link FramePump} (timer, encoder, upload
 * window); capture-wiring.ts builds them and folds everything they report
 * into one immutable {@link CaptureView}.
 */

import type { CountingLine } from "@headcount/proto/types";
import { describeFailure, toCallFailure } from "../rpc-errors.ts";
import { UNARY_DEADLINE_MS, callOptions, withDeadline } from "../transport.ts";
import { cameraSupportProblem, describeCameraError, listVideoInputs } from "./camera-source.ts";
import { effectiveFps } from "./capture-settings.ts";
import type { CaptureSettings } from "./capture-settings.ts";
import type { CaptureView, ConnectionState } from "./capture-view.ts";
import type { CaptureViewStore } from "./capture-view-store.ts";
import { type CaptureEngineOptions, type CaptureEngineParts, createCaptureParts } from "./capture-wiring.ts";

/** After Stop, how long the page still waits for the acks of frames already uploaded. */
const STOP_DRAIN_MS = 3_000;

/** Drives one capture page. Create once per page; seq numbers continue across Start/Stop and sessions. */
export class CaptureEngine {
  readonly #parts: CaptureEngineParts;
  readonly #store: CaptureViewStore;
  #run: AbortController | null = null;
  #refreshTimer: ReturnType<typeof setInterval> | null = null;
  /** True while the frame loop runs (started, and the page visible). */
  #pumping = false;

  /** Creates an idle engine (state "stopped", or "error" for a bad configuration or an insecure page). */
  constructor(options: CaptureEngineOptions) {
    this.#parts = createCaptureParts(options, { running: () => this.#run !== null, stop: (state) => this.stop(state) });
    this.#store = this.#parts.store;
  }

  /** useSyncExternalStore's subscribe. */
  get subscribe(): (listener: () => void) => () => void {
    return this.#store.subscribe;
  }

  /** useSyncExternalStore's getSnapshot: the same object until something changes. */
  get getSnapshot(): () => CaptureView {
    return this.#store.getSnapshot;
  }

  /** The <video> element that shows the camera and is the frame source. */
  attachVideo(video: HTMLVideoElement | null): void {
    this.#parts.camera.attach(video);
  }

  /** Opens the camera, then the session and both loops. Failures end up in the view, never thrown. */
  async start(): Promise<void> {
    const link = this.#parts.link;
    if (this.#run || !link || !this.#parts.pump || this.#store.errorKind === "config") return;
    const problem = cameraSupportProblem();
    if (problem) {
      this.#store.update({ state: "error" });
      return this.#store.setError("camera", problem);
    }
    const run = new AbortController();
    this.#run = run;
    this.#store.update({ state: "connecting", running: true, notice: null, retryAtMs: null, refusal: null, takenOver: null });
    this.#store.clearError("camera", "connection", "upload");
    if (!(await this.#openStream(run))) return;
    this.#refreshTimer = setInterval(() => this.#store.update({ stats: this.#parts.stats.snapshot(Date.now()) }), 500);
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
    if (hidden && this.#pumping) this.#parts.pump?.stop();
    if (!hidden && !this.#pumping) this.#parts.pump?.start();
    this.#pumping = !hidden;
    if (hidden !== this.#store.view.paused) this.#store.update({ paused: hidden, ...(hidden ? { people: [], peopleAtMs: null } : {}) });
  };

  /**
   * Stops capturing and turns the camera off; seq numbering continues on the
   * next Start. A user's Stop keeps the ack stream open briefly so the acks of
   * frames already uploaded still arrive; an error stops at once.
   */
  stop(state: ConnectionState = "stopped"): void {
    const run = this.#run;
    this.#run = null;
    this.#parts.pump?.stop();
    this.#pumping = false;
    if (typeof document !== "undefined") document.removeEventListener("visibilitychange", this.#onVisibility);
    // A user's Stop waits (bounded) for the acks of frames already uploaded before ending the session's streams.
    if (run && state === "stopped") {
      const link = this.#parts.link;
      const session = link?.session ?? null;
      // Then the session ends at once: its people still in view exit now, not after the idle timeout.
      void this.#parts.sent.settled(STOP_DRAIN_MS, run.signal).then(() => {
        run.abort();
        return link?.end(session);
      });
    } else run?.abort();
    if (this.#refreshTimer) clearInterval(this.#refreshTimer);
    this.#refreshTimer = null;
    this.#parts.camera.close();
    this.#store.update({ state, running: false, paused: false, retryAtMs: null, people: [], peopleAtMs: null, stats: this.#parts.stats.snapshot(Date.now()) });
  }

  /** Applies new settings; a different camera or facing reopens the camera, the rest applies from the next frame. */
  updateSettings(settings: CaptureSettings): void {
    const previous = this.#store.view.settings;
    this.#store.update({ settings, effectiveFps: effectiveFps(settings.fps, this.#parts.link?.session?.limits?.maxFps) });
    const run = this.#run;
    if (!run || !this.#parts.camera.isOpen) return;
    if (settings.deviceId !== previous.deviceId || settings.facing !== previous.facing) {
      // Close first: many phones cannot open a second camera while one is open.
      this.#parts.camera.close();
      void this.#openStream(run);
    } else if (settings.width !== previous.width) {
      this.#parts.camera.requestWidth(settings.width);
    }
  }

  /** The user typed a name: it renames the camera with the next OpenSession (see {@link CameraNaming}). */
  setCameraName(cameraName: string): void {
    this.#store.update(this.#parts.naming.typed(cameraName));
  }

  /** Saves (or, with null, clears) the camera's counting line; resolves to an error message or null. */
  async saveLine(line: CountingLine | null): Promise<string | null> {
    if (!this.#parts.count) return "The gRPC-Web endpoint is not configured.";
    try {
      const request = line ? { cameraId: this.#parts.cameraId, line } : { cameraId: this.#parts.cameraId };
      const count = this.#parts.count;
      const session = this.#parts.link?.session;
      // The session's own token lets the capture page set its camera's line without the viewer password.
      const saved = await withDeadline(
        UNARY_DEADLINE_MS,
        undefined,
        (signal) => count.setCountingLine(request, callOptions(session?.id, signal, session?.token)).response,
      );
      this.#store.update({ line: saved.camera ? (saved.camera.line ?? null) : line });
      return null;
    } catch (error) {
      return `Could not save the counting line: ${describeFailure(toCallFailure(error))}`;
    }
  }

  /** Re-reads the camera list (labels appear after permission). */
  async refreshDevices(): Promise<void> {
    try {
      this.#store.update({ devices: await listVideoInputs() });
    } catch {
      // The picker keeps its previous list.
    }
  }

  /** Notes the camera's frame size (the page shapes the preview and overlay from it). */
  noteVideoSize(width: number, height: number): void {
    const current = this.#store.view.videoSize;
    if (width > 0 && height > 0 && (current?.width !== width || current.height !== height)) {
      this.#store.update({ videoSize: { width, height } });
    }
  }

  async #openStream(run: AbortController): Promise<boolean> {
    try {
      if (!(await this.#parts.camera.open(this.#store.view.settings, () => this.#run === run))) return false;
      void this.refreshDevices();
      return true;
    } catch (error) {
      if (this.#run !== run) return false;
      this.stop("error");
      this.#store.setError("camera", describeCameraError(error));
      return false;
    }
  }
}
