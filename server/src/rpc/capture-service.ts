import { performance } from "node:perf_hooks";
import type { RpcInputStream, RpcOutputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import {
  ReceiptStatus,
  type CloseSessionRequest,
  type CloseSessionResponse,
  type Frame,
  type OpenSessionRequest,
  type OpenSessionResponse,
  type StreamFramesRequest,
  type StreamFramesResponse,
  type UploadFrameRequest,
  type UploadFrameResponse,
  type WatchAcksRequest,
  type WatchAcksResponse,
} from "@headcount/proto/capture";
import type { ICaptureService } from "@headcount/proto/capture-server";
import type { AccessControl } from "../access/access-control.ts";
import { headerValue } from "../access/bearer-credential.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { ServerConfig } from "../config.ts";
import type { FramePipeline } from "../pipeline/frame-pipeline.ts";
import type { CaptureSession, PendingFrame } from "../session/capture-session.ts";
import type { SessionRegistry } from "../session/session-registry.ts";
import type { Store, StoredCamera } from "../store/store.ts";
import { BoundedStreamWriter, cancelSignalOf } from "./ack-stream.ts";
import { toProtoLine, toProtoPlaces } from "./proto-mapping.ts";
import { DomainError, ensure } from "./errors.ts";
import { checkFrame } from "./frame-checks.ts";

/** Acks a stream may have waiting before its reader counts as too slow. */
const ACK_OUTBOX = 512;

/** What the capture service needs from the composition root. */
export interface CaptureServiceDeps {
  readonly config: ServerConfig;
  readonly sessions: SessionRegistry;
  readonly cameras: CameraRegistry;
  readonly pipeline: FramePipeline;
  readonly store: Store;
  /** Who may open, feed and watch sessions. */
  readonly access: AccessControl;
  /** This server among the replicas, recorded with each session it serves. */
  readonly replicaId?: string;
  /** Counts frames as they arrive (metrics). */
  readonly onFrameReceived?: () => void;
}

/**
 * headcount.v1.CaptureService: sessions, frame uploads (unary for browsers,
 * bidi for native senders) and the per-session ack stream.
 */
export class CaptureService implements ICaptureService {
  constructor(private readonly deps: CaptureServiceDeps) {}

  async openSession(request: OpenSessionRequest, context: ServerCallContext): Promise<OpenSessionResponse> {
    await this.deps.access.authorizeCapture(context.headers, request.cameraId);
    const response = await this.open(request, headerValue(context.headers, "x-session-id"));
    context.sendResponseHeaders({ "x-session-id": response.sessionId });
    return response;
  }

  async uploadFrame(request: UploadFrameRequest, context: ServerCallContext): Promise<UploadFrameResponse> {
    this.deps.access.requireSessionBearer(context.headers);
    const session = this.deps.sessions.get(sessionIdOf(request.sessionId, context));
    this.deps.access.requireSession(context.headers, session);
    ensure(request.frame !== undefined, "frame is missing");
    const status = this.accept(session, request.frame);
    return { seq: request.frame.seq, status };
  }

  async watchAcks(request: WatchAcksRequest, responses: RpcInputStream<WatchAcksResponse>, context: ServerCallContext): Promise<void> {
    this.deps.access.requireSessionBearer(context.headers);
    const session = this.deps.sessions.get(sessionIdOf(request.sessionId, context));
    this.deps.access.requireSession(context.headers, session);
    // Headers now, not with the first ack: the page learns at once that its stream is open.
    context.sendResponseHeaders({ "x-session-id": session.id });
    const writer = new BoundedStreamWriter(responses, ACK_OUTBOX);
    const from = request.resumeAfterCursor === undefined ? { afterSeq: request.resumeAfterSeq } : { afterCursor: request.resumeAfterCursor };
    const { replay, stop } = session.watch(from, {
      ack: (ack, cursor) => writer.push({ ack, cursor }),
      end: (reason) => writer.end(reason),
    });
    try {
      for (const { ack, cursor } of replay) writer.push({ ack, cursor });
      await writer.run(cancelSignalOf(context));
    } finally {
      stop();
      session.lastActivityMs = Date.now();
    }
  }

  async closeSession(request: CloseSessionRequest, context: ServerCallContext): Promise<CloseSessionResponse> {
    this.deps.access.requireSessionBearer(context.headers);
    const session = this.deps.sessions.get(sessionIdOf(request.sessionId, context));
    this.deps.access.requireSession(context.headers, session);
    this.deps.sessions.close(session, new DomainError("CANCELLED", "the capture page stopped this session"));
    // Answer once its end (and its people's exits) is stored.
    await this.deps.pipeline.finished();
    return {};
  }

  async streamFrames(
    requests: RpcOutputStream<StreamFramesRequest>,
    responses: RpcInputStream<StreamFramesResponse>,
    context: ServerCallContext,
  ): Promise<void> {
    this.deps.access.requireCaptureBearer(context.headers);
    const writer = new BoundedStreamWriter(responses, ACK_OUTBOX);
    let session: CaptureSession | undefined;
    let stop = () => {};
    const reading = (async () => {
      for await (const message of requests) {
        const m = message.message;
        if (!session) {
          ensure(m.oneofKind === "open", "the first message of StreamFrames must be `open`");
          await this.deps.access.authorizeCapture(context.headers, m.open.cameraId);
          const opened = await this.open(m.open);
          session = this.deps.sessions.get(opened.sessionId);
          stop = session.watch({ afterCursor: 0 }, { ack: (ack) => writer.push({ message: { oneofKind: "ack", ack } }), end: (r) => writer.end(r) }).stop;
          writer.push({ message: { oneofKind: "session", session: opened } });
        } else if (m.oneofKind === "frame") {
          try {
            this.accept(session, m.frame);
          } catch (err) {
            // Bad frames were acked as rejected already; the stream goes on.
            if (!(err instanceof DomainError)) throw err;
          }
        } else {
          throw new DomainError("INVALID_ARGUMENT", "after `open`, StreamFrames accepts only `frame` messages");
        }
      }
      // The sender finished: wait for the last frames' acks, then end the call with OK.
      await session?.whenIdle();
      writer.end();
    })();
    // A bad message fails the call with its status once the acks before it are out.
    reading.catch((err: unknown) => writer.end(err instanceof DomainError ? err : undefined));
    try {
      await writer.run(cancelSignalOf(context));
      await reading;
    } finally {
      stop();
      if (session) this.deps.sessions.close(session, new DomainError("CANCELLED", "the stream ended"));
    }
  }

  private async open(request: OpenSessionRequest, proposedId?: string): Promise<OpenSessionResponse> {
    const { sessions, cameras, config, store } = this.deps;
    const name = request.cameraName.trim().slice(0, 80);
    const now = Date.now();
    const session = sessions.open(request.cameraId, now, proposedId);
    let stored: StoredCamera;
    try {
      // A typed name renames; a link's name only names a camera that is new.
      stored = name
        ? await store.upsertCamera(session.cameraId, name, now)
        : await store.ensureCamera(session.cameraId, (request.newCameraName ?? "").trim().slice(0, 80), now);
      cameras.load(stored);
      // The newest session holds the camera: any other one, here or on another replica, ends (the others hear of it from the store).
      await sessions.serialOpen(session.cameraId, async () => {
        await store.openSession(session.id, session.cameraId, now, this.deps.replicaId);
        session.heldAt = performance.now();
        sessions.takeOver(session.cameraId, session.id);
      });
    } catch (err) {
      sessions.close(session, new DomainError("UNAVAILABLE", "the session could not be recorded"));
      throw err;
    }
    cameras.attachSession(session.cameraId, session.id);
    const line = cameras.lineOf(session.cameraId);
    session.placesTold = cameras.placesOf(session.cameraId).places;
    return {
      sessionId: session.id,
      cameraId: session.cameraId,
      limits: {
        maxFrameBytes: config.limits.maxFrameBytes,
        maxFps: config.limits.maxFps,
        maxInFlight: config.limits.maxInFlight,
        maxPixels: config.limits.maxPixels,
        maxBytesPerSecond: config.limits.maxBytesPerSecond,
      },
      line: line ? toProtoLine(line) : undefined,
      ...toProtoPlaces(cameras.placesOf(session.cameraId).places),
      sessionToken: session.token,
      cameraName: stored.name,
    };
  }

  /**
   * Validates a frame and hands it to the pipeline. Every frame with a usable
   * seq gets exactly one ack: a bad one is acked as rejected *and* answered
   * with its gRPC status, so the ack stream has no gaps.
   */
  private accept(session: CaptureSession, frame: Frame): ReceiptStatus {
    ensure(frame.seq >= 1, `frame.seq must be at least 1 (got ${frame.seq})`);
    const arrival = session.receive(frame.seq);
    if (arrival === "duplicate") return ReceiptStatus.DUPLICATE;
    this.deps.onFrameReceived?.();
    session.lastActivityMs = Date.now();
    const pending: PendingFrame = {
      seq: frame.seq,
      capturedAtMs: frame.capturedAtMs,
      receivedAtMs: Date.now(),
      receivedAtPerf: performance.now(),
      jpeg: frame.jpeg,
      sentWidth: frame.width,
      sentHeight: frame.height,
    };
    const over = session.charge(frame.jpeg.length, Date.now());
    const { limits } = this.deps.config;
    const problem =
      over === "fps"
        ? new DomainError("RESOURCE_EXHAUSTED", `over this session's limit of ${limits.maxFps} frames per second; lower the frame rate`)
        : over === "bytes"
          ? new DomainError("RESOURCE_EXHAUSTED", `over this session's limit of ${limits.maxBytesPerSecond} bytes per second; lower the frame rate, width or JPEG quality`)
          : checkFrame(frame, limits);
    if (problem) {
      this.deps.pipeline.reject(session, pending, problem.message);
      throw problem;
    }
    if (arrival === "late") {
      this.deps.pipeline.dropStale(session, pending, `arrived after the newer frame ${session.lastSeq}`);
    } else {
      this.deps.pipeline.submit(session, pending);
    }
    return ReceiptStatus.ACCEPTED;
  }
}

/** The session id from the request, else from the `x-session-id` header. */
function sessionIdOf(fromRequest: string, context: ServerCallContext): string {
  return fromRequest || (headerValue(context.headers, "x-session-id") ?? "");
}
