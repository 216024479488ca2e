import { setTimeout as sleep } from "node:timers/promises";
import { ChannelCredentials } from "@grpc/grpc-js";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import { FrameStatus, type CountingLine, type FrameAck } from "@headcount/proto/types";
import { GrpcTransport } from "@protobuf-ts/grpc-transport";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { jpegSize } from "../decode/jpeg-header.ts";
import type { SourceFrame } from "./jpeg-sources.ts";
import type { DisconnectNotice, SendSummary } from "./send-summary.ts";
import { describeFailure, openStreamLink, type RetryNotice } from "./stream-link.ts";

/** How to send. */
export interface SendOptions {
  /**
   * host:port of the native gRPC server, or of several replicas of it on one
   * database: the first is used first; when its stream breaks or it cannot be
   * reached, the next one is tried (round robin).
   */
  readonly targets: readonly string[];
  readonly cameraId: string;
  readonly cameraName: string;
  /** The camera's pairing token or the server's shared capture token (sent as `authorization: Bearer`). */
  readonly token?: string;
  /** "source": at the source's own frame rate; "max": as fast as acks come back. */
  readonly pace: "source" | "max";
  /** Frames in flight at most; a frame due while the window is full is skipped (counted). */
  readonly window: number;
  /** Set this counting line on the camera before the first frame. */
  readonly line?: CountingLine;
  /** Called for every ack, with the round trip measured on this side. */
  readonly onAck?: (ack: FrameAck, rttMs: number) => void;
  /** Called when a stream that worked broke, before reconnecting. */
  readonly onDisconnected?: (info: DisconnectNotice) => void;
  /** Called after each failed try to connect or reconnect, before the wait. */
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Called when a stream that broke is open again, on a new session. */
  readonly onReconnected?: (info: { target: string; sessionId: string; nextSeq: number }) => void;
  /** Ends the call at once: frames in flight are not waited for. */
  readonly signal?: AbortSignal;
  /** Stops reading the source; the acks of frames in flight are still waited for. */
  readonly stop?: AbortSignal;
}

/** The first connection fails fast: a server that is down or a wrong address is said within seconds. */
const FIRST_CONNECT_FOR_MS = 3_000;
/** After a stream that worked breaks, it keeps trying this long (a server restarting). */
const RECONNECT_FOR_MS = 60_000;

/**
 * Streams frames to the server over the bidi StreamFrames call (the shape of
 * the original Python client) and gathers one ack per frame. When the stream
 * breaks (server restarted or gone, network cut) it reconnects, to the next
 * of several targets (replicas on one database) first, with backoff once
 * every target failed in a row, opens a new session for the same camera and
 * goes on after the last seq it sent; frames that were in flight when the
 * stream broke are counted as lost.
 */
export async function sendFrames(source: AsyncIterable<SourceFrame>, options: SendOptions): Promise<SendSummary> {
  if (options.targets.length === 0) throw new Error("no server address to send to");
  const transports = options.targets.map((host) => new GrpcTransport({ host, channelCredentials: ChannelCredentials.createInsecure() }));
  const targets = transports.map((transport, i) => ({ target: options.targets[i]!, client: new CaptureServiceClient(transport) }));
  const closeAll = () => transports.forEach((t) => t.close());
  const abort = new AbortController();
  options.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  const perFrame = new Map<number, number>();
  const s: SendSummary = {
    sessionId: "", server: "", sent: 0, skipped: 0, acked: 0, processed: 0, detectionSkipped: 0, droppedStale: 0, rejected: 0, lost: 0, reconnects: 0, maxInView: 0,
    inViewPerFrame: [], counts: { inView: 0, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 },
    rttP50Ms: 0, rttP95Ms: 0, durationS: 0, ackedFps: 0,
  };
  let wakeWindow: () => void = () => {};
  const onAck = (ack: FrameAck) => {
    const rtt = performance.now() - (sentAt.get(ack.seq) ?? performance.now());
    sentAt.delete(ack.seq);
    rtts.push(rtt);
    s.acked++;
    if (ack.status === FrameStatus.PROCESSED) {
      s.processed++;
      if (ack.detectionSkipped) s.detectionSkipped++;
      perFrame.set(ack.seq, ack.counts?.inView ?? 0);
      s.maxInView = Math.max(s.maxInView, ack.counts?.inView ?? 0);
    } else if (ack.status === FrameStatus.DROPPED_STALE) s.droppedStale++;
    else s.rejected++;
    if (ack.counts) s.counts = ack.counts;
    options.onAck?.(ack, rtt);
    wakeWindow();
  };

  /** Opens a link, starting at target `first`; a broken stream moves on to the next (the server may be gone for good). */
  const open = (reconnecting: boolean, first: number) =>
    openStreamLink({
      targets, first, cameraId: options.cameraId, cameraName: options.cameraName, token: options.token,
      signal: abort.signal, giveUp: reconnecting ? options.stop : undefined, onAck, onRetry: options.onRetry, reconnecting,
      tryForMs: reconnecting ? RECONNECT_FOR_MS : FIRST_CONNECT_FOR_MS,
    });

  const started = performance.now();
  const wallStart = Date.now();
  let link = await open(false, 0).catch((err: unknown) => {
    closeAll();
    throw err;
  });
  s.sessionId = link.sessionId;
  s.server = link.target;
  let broken = false;
  let brokenBy: unknown;
  /** Stopped while reconnecting: no stream is left to finish. */
  let stoppedBroken = false;
  /** Marks the stream broken when `current` (still the link in use) ends with an error. */
  const watch = (current: typeof link) =>
    void current.status.then((err) => {
      if (link !== current) return;
      broken = err !== null;
      brokenBy = err;
      wakeWindow();
    });
  watch(link);
  if (options.line) {
    // The session's own token may set its camera's line, so no viewer password is needed here.
    const meta = { authorization: `Bearer ${link.sessionToken}`, "x-session-id": s.sessionId };
    await new CountServiceClient(transports[link.index]!).setCountingLine({ cameraId: options.cameraId, line: options.line }, { meta });
  }
  let seq = 0;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  for await (const frame of source) {
    if (abort.signal.aborted || options.stop?.aborted) break;
    if (options.pace === "source") {
      const wait = started + frame.ptsMs - performance.now();
      if (wait > 0) await sleep(wait);
      if (sentAt.size >= options.window && !broken) {
        s.skipped++;
        continue;
      }
    } else {
      while (sentAt.size >= options.window && !broken) await new Promise<void>((r) => (wakeWindow = r));
      // Acks of frames the server's motion gate skipped come fast: keep under the session's frame-rate limit.
      const wait = lastSentAt + (link.maxFps ? 1000 / link.maxFps : 0) - performance.now();
      if (wait > 0) await sleep(wait);
    }
    // Taken over by another session (ABORTED): final, a new session would take the camera back.
    if (broken && brokenBy instanceof RpcError && brokenBy.code === "ABORTED") break;
    if (broken) {
      // Frames in flight on the broken stream will never be acked.
      options.onDisconnected?.({ target: link.target, reason: describeFailure(brokenBy, link.target), lost: sentAt.size, tryForMs: RECONNECT_FOR_MS });
      s.lost += sentAt.size;
      sentAt.clear();
      s.reconnects++;
      const reopened = await open(true, (link.index + 1) % targets.length).catch((err: unknown) => {
        if (options.stop?.aborted) return undefined;
        throw err;
      });
      if (!reopened) {
        stoppedBroken = true;
        break;
      }
      link = reopened;
      s.sessionId = link.sessionId;
      s.server = link.target;
      options.onReconnected?.({ target: link.target, sessionId: link.sessionId, nextSeq: seq + 1 });
      broken = false;
      watch(link);
    }
    seq++;
    const size = jpegSize(frame.jpeg) ?? { width: 0, height: 0 };
    lastSentAt = performance.now();
    sentAt.set(seq, lastSentAt);
    await link.call.requests
      .send({ message: { oneofKind: "frame", frame: { seq, capturedAtMs: wallStart + Math.round(frame.ptsMs), jpeg: frame.jpeg, ...size } } })
      .catch((err: unknown) => {
        broken = true;
        brokenBy = err;
      });
    s.sent++;
  }
  const err = stoppedBroken ? null : broken ? brokenBy : await link.call.requests.complete().then(() => link.status, () => link.status);
  closeAll();
  if (err && !(err instanceof RpcError && err.code === "CANCELLED" && abort.signal.aborted)) throw err;

  s.inViewPerFrame = [...perFrame.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  const sorted = [...rtts].sort((a, b) => a - b);
  const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0);
  s.rttP50Ms = round(pct(0.5));
  s.rttP95Ms = round(pct(0.95));
  s.durationS = round((performance.now() - started) / 1000);
  s.ackedFps = round(s.acked / Math.max(0.001, s.durationS));
  return s;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
