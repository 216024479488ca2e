/**
 * The capture engine's parts, built and wired so that they report into its
 * view: the {@link SessionLink}'s events (a session opened, an ack, a
 * refusal, a takeover) and the {@link FramePump}'s (an upload, a problem, a
 * lost session).
 */

import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import type { FrameAck } from "@headcount/proto/types";
import { createTransport } from "../transport.ts";
import { AckStats } from "./ack-stats.ts";
import { CameraFeed } from "./camera-feed.ts";
import { CameraNaming } from "./camera-naming.ts";
import { cameraSupportProblem } from "./camera-source.ts";
import { createCaptureRecord, recordAck } from "./capture-record.ts";
import type { HeadcountCaptureRecord } from "./capture-record.ts";
import { effectiveFps } from "./capture-settings.ts";
import type { CaptureSettings } from "./capture-settings.ts";
import { ACK_ROWS, initialCaptureView, toAckRow } from "./capture-view.ts";
import type { ConnectionState } from "./capture-view.ts";
import { CaptureViewStore } from "./capture-view-store.ts";
import { FramePump } from "./frame-pump.ts";
import { SentFrames } from "./sent-frames.ts";
import { SessionLink } from "./session-link.ts";
import type { OpenedSession } from "./session-link-types.ts";
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

/** The engine's state the link and the pump report into. */
export interface CaptureParts {
  readonly cameraId: string;
  /** Whether the page has a pairing or capture token (a refusal says so). */
  readonly hasToken: boolean;
  readonly store: CaptureViewStore;
  readonly naming: CameraNaming;
  readonly stats: AckStats;
  readonly window: UploadWindow;
  readonly sent: SentFrames;
  readonly record: HeadcountCaptureRecord;
  readonly camera: CameraFeed;
  /** True while a run is active (started and not stopped since). */
  running(): boolean;
  /** Ends the run with this state. */
  stop(state: ConnectionState): void;
}

/** What the engine drives: the parts, its two clients' link and pump (null without a gRPC-Web URL), the CountService client. */
export interface CaptureEngineParts extends CaptureParts {
  readonly count: CountServiceClient | null;
  readonly link: SessionLink | null;
  readonly pump: FramePump | null;
}

/** Builds an idle engine's parts; its view is "stopped", or "error" for a bad configuration or an insecure page. */
export function createCaptureParts(options: CaptureEngineOptions, run: Pick<CaptureParts, "running" | "stop">): CaptureEngineParts {
  const window = new UploadWindow();
  const stats = new AckStats();
  const problem = options.configError ?? cameraSupportProblem();
  const initial = initialCaptureView({
    error: problem,
    cameraId: options.cameraId,
    cameraName: options.cameraName,
    settings: options.settings,
    windowSize: window.limit,
    stats: stats.snapshot(Date.now()),
  });
  const parts: CaptureParts = {
    ...run,
    cameraId: options.cameraId,
    hasToken: Boolean(options.captureToken),
    store: new CaptureViewStore(initial, options.configError ? "config" : problem ? "camera" : null),
    naming: new CameraNaming(options.rememberName ?? (() => undefined)),
    stats,
    window,
    sent: new SentFrames(),
    record: createCaptureRecord(options.cameraId),
    camera: new CameraFeed(),
  };
  const transport = options.baseUrl ? createTransport(options.baseUrl) : null;
  const capture = transport ? new CaptureServiceClient(transport) : null;
  const link = capture && options.baseUrl ? createCaptureLink(capture, options.baseUrl, options.captureToken ?? null, parts) : null;
  const pump = capture ? createCapturePump(capture, link, parts) : null;
  return { ...parts, count: transport ? new CountServiceClient(transport) : null, link, pump };
}

/** The session link of a capture page, reporting into its view. */
export function createCaptureLink(client: CaptureServiceClient, baseUrl: string, captureToken: string | null, parts: CaptureParts): SessionLink {
  const { store } = parts;
  return new SessionLink({
    client,
    baseUrl,
    captureToken,
    identity: () => ({ cameraId: parts.cameraId, ...parts.naming.forOpen(store.view.cameraName) }),
    events: {
      state: (state, retryAtMs) => {
        if (parts.running()) store.update({ state, retryAtMs });
      },
      opened: (session) => onOpened(parts, session),
      ack: (ack) => onAck(parts, ack),
      error: (message) => store.setError("connection", message),
      notice: (notice) => store.update({ notice, noticeAtMs: Date.now() }),
      // A refused credential is final: stop, and let the page explain how to pair this device.
      refused: (failure) => {
        if (!parts.running()) return;
        parts.stop("error");
        store.update({ refusal: { code: failure.code, message: failure.message, hadToken: parts.hasToken } });
      },
      // Another device took the camera over: final, or the two would take it from each other forever. Start takes it back.
      takenOver: (failure) => {
        if (!parts.running()) return;
        parts.stop("error");
        store.update({ takenOver: failure.message });
      },
    },
  });
}

/** The frame pump of a capture page: frames go to `link`'s session, problems into the view. */
export function createCapturePump(client: CaptureServiceClient, link: SessionLink | null, parts: CaptureParts): FramePump {
  const { store } = parts;
  return new FramePump({
    client,
    stats: parts.stats,
    record: parts.record,
    window: parts.window,
    video: () => parts.camera.video,
    liveSession: () => link?.sendableSession ?? null,
    fps: () => store.view.effectiveFps,
    width: () => store.view.settings.width,
    quality: () => store.view.settings.quality,
    sent: (seq, width, height) => parts.sent.sent(seq, width, height),
    uploaded: (session) => {
      link?.confirm(session);
      store.clearUploadError();
    },
    problem: (message, kind, reconnect) => {
      store.setError(kind, message);
      if (reconnect) link?.reconnect();
    },
    sessionLost: (session) => link?.forget(session),
    takenOver: (session, failure) => link?.takenOver(session, failure),
    notice: (notice) => store.update({ notice, noticeAtMs: Date.now() }),
  });
}

function onOpened(parts: CaptureParts, session: OpenedSession): void {
  const { store } = parts;
  parts.window.setLimit(windowSize(session.limits?.maxInFlight));
  parts.record.sessionId = session.id;
  store.update({
    ...parts.naming.opened(session.cameraName),
    sessionId: session.id,
    limits: session.limits,
    line: session.line,
    places: session.places,
    windowSize: parts.window.limit,
    effectiveFps: effectiveFps(store.view.settings.fps, session.limits?.maxFps),
  });
  store.clearError("connection");
}

function onAck(parts: CaptureParts, ack: FrameAck): void {
  const { store } = parts;
  const view = store.view;
  const now = Date.now();
  const row = toAckRow(ack, now, parts.sent.acked(ack.seq));
  parts.stats.recordAck(now, row.status, row.latencyMs);
  recordAck(parts.record, row);
  store.update({
    rows: [row, ...view.rows].slice(0, ACK_ROWS),
    counts: ack.counts ?? view.counts,
    // Acks that arrive after Stop (or while paused) draw no boxes: the preview is dark or hidden.
    ...(row.status === "processed" && parts.running() && !view.paused ? { people: ack.people, peopleAtMs: now, zoneCounts: ack.zoneCounts } : {}),
    // The camera's lines or zones changed (e.g. drawn on its Manage page): draw the new ones.
    ...(ack.placesChanged
      ? { line: ack.lines.find((l) => l.id === "line")?.line ?? null, places: { lines: ack.lines.filter((l) => l.id !== "line"), zones: ack.zones } }
      : {}),
    stats: parts.stats.snapshot(now),
  });
  store.clearError("connection");
}
