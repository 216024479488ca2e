import { setTimeout as sleep } from "node:timers/promises";
import { ChannelCredentials } from "@grpc/grpc-js";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import { FrameStatus, type CountingLine, type Counts, type FrameAck } from "@headcount/proto/types";
import { GrpcTransport } from "@protobuf-ts/grpc-transport";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { jpegSize } from "../decode/jpeg-header.ts";
import type { SourceFrame } from "./jpeg-sources.ts";

/** How to send. */
export interface SendOptions {
  /** host:port of the native gRPC server. */
  readonly target: string;
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
  readonly signal?: AbortSignal;
}

/** What a run did, for people and for machines (`--json`). */
export interface SendSummary {
  sessionId: string;
  sent: number;
  skipped: number;
  acked: number;
  processed: number;
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

/** Gives up reconnecting after this long without a working stream. */
const RECONNECT_FOR_MS = 60_000;

/**
 * Streams frames to the server over the bidi StreamFrames call (the shape of
 * the original Python client) and gathers one ack per frame. When the stream
 * breaks (server restarted, network cut) it reconnects with backoff, opens a
 * new session for the same camera and goes on after the last seq it sent;
 * frames that were in flight when the stream broke are counted as lost.
 */
export async function sendFrames(source: AsyncIterable<SourceFrame>, options: SendOptions): Promise<SendSummary> {
  const transport = new GrpcTransport({ host: options.target, channelCredentials: ChannelCredentials.createInsecure() });
  const client = new CaptureServiceClient(transport);
  const abort = new AbortController();
  options.signal?.addEventListener("abort", () => abort.abort(), { once: true });
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  const perFrame = new Map<number, number>();
  const s: SendSummary = {
    sessionId: "", sent: 0, skipped: 0, acked: 0, processed: 0, droppedStale: 0, rejected: 0, lost: 0, reconnects: 0, maxInView: 0,
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
      perFrame.set(ack.seq, ack.counts?.inView ?? 0);
      s.maxInView = Math.max(s.maxInView, ack.counts?.inView ?? 0);
    } else if (ack.status === FrameStatus.DROPPED_STALE) s.droppedStale++;
    else s.rejected++;
    if (ack.counts) s.counts = ack.counts;
    options.onAck?.(ack, rtt);
    wakeWindow();
  };

  /** Opens a StreamFrames call and its session; retries with backoff until RECONNECT_FOR_MS passes. */
  const connect = async () => {
    const deadline = Date.now() + RECONNECT_FOR_MS;
    for (let attempt = 0; ; attempt++) {
      const call = client.streamFrames({ abort: abort.signal, ...(options.token ? { meta: { authorization: `Bearer ${options.token}` } } : {}) });
      let opened: (session: { sessionId: string; sessionToken: string }) => void = () => {};
      const session = new Promise<{ sessionId: string; sessionToken: string }>((resolve) => (opened = resolve));
      call.responses.onMessage((m) => {
        if (m.message.oneofKind === "session") opened(m.message.session);
        else if (m.message.oneofKind === "ack") onAck(m.message.ack);
      });
      const status = call.status.then(
        () => null,
        (err: unknown) => err,
      );
      void status.then(() => wakeWindow());
      try {
        await call.requests.send({ message: { oneofKind: "open", open: { cameraId: options.cameraId, cameraName: options.cameraName } } });
        const first = await Promise.race([session, status.then((err) => Promise.reject(err ?? new Error("the stream ended before the session opened")))]);
        s.sessionId = first.sessionId;
        return { call, status, sessionToken: first.sessionToken };
      } catch (err) {
        if (abort.signal.aborted || !(err instanceof RpcError) || !RETRYABLE.has(err.code) || Date.now() > deadline) throw err;
        await sleep(Math.min(5_000, 250 * 2 ** attempt));
      }
    }
  };

  const started = performance.now();
  const wallStart = Date.now();
  let link = await connect();
  let broken = false;
  void link.status.then((err) => (broken = err !== null));
  if (options.line) {
    // The session's own token may set its camera's line, so no viewer password is needed here.
    const meta = { authorization: `Bearer ${link.sessionToken}`, "x-session-id": s.sessionId };
    await new CountServiceClient(transport).setCountingLine({ cameraId: options.cameraId, line: options.line }, { meta });
  }
  let seq = 0;
  for await (const frame of source) {
    if (abort.signal.aborted) break;
    if (options.pace === "source") {
      const wait = started + frame.ptsMs - performance.now();
      if (wait > 0) await sleep(wait);
      if (sentAt.size >= options.window && !broken) {
        s.skipped++;
        continue;
      }
    } else {
      while (sentAt.size >= options.window && !broken) await new Promise<void>((r) => (wakeWindow = r));
    }
    if (broken) {
      // Frames in flight on the broken stream will never be acked.
      s.lost += sentAt.size;
      sentAt.clear();
      s.reconnects++;
      link = await connect();
      broken = false;
      const current = link;
      void current.status.then((err) => {
        if (link === current) broken = err !== null;
      });
    }
    seq++;
    const size = jpegSize(frame.jpeg) ?? { width: 0, height: 0 };
    sentAt.set(seq, performance.now());
    await link.call.requests
      .send({ message: { oneofKind: "frame", frame: { seq, capturedAtMs: wallStart + Math.round(frame.ptsMs), jpeg: frame.jpeg, ...size } } })
      .catch(() => (broken = true));
    s.sent++;
  }
  await link.call.requests.complete().catch(() => undefined);
  const err = await link.status;
  transport.close();
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

/** Failures worth reconnecting after: the server or the network went away. */
const RETRYABLE = new Set(["UNAVAILABLE", "INTERNAL", "UNKNOWN", "DEADLINE_EXCEEDED", "CANCELLED"]);

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
