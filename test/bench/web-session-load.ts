import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";
import { BENCH_HEIGHT, BENCH_WIDTH } from "./bench-frames.ts";
import { autoCredentials, TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

/** Options for {@link runWebLoad}. */
export interface WebLoadOptions {
  /** http://127.0.0.1:PORT of the server's gRPC-Web endpoint. */
  readonly baseUrl: string;
  /** Concurrent sessions (cameras), each opened with OpenSession and watched with WatchAcks. */
  readonly sessions: number;
  /** Uploads in flight per session (sent, not yet acked): the capture page's window. */
  readonly window: number;
  /** Frames per second per session on the capture clock; undefined: as fast as the window allows. */
  readonly fps?: number;
  readonly jpegs: readonly Uint8Array[];
  /** Acks before this are not counted (ramp-up of a new session). */
  readonly warmupMs: number;
  /** Length of the counted window. */
  readonly durationMs: number;
  /** Prefix of the camera ids, so that runs do not share cameras. */
  readonly cameraPrefix?: string;
}

/** One counted ack, as a client sees it. */
export interface WebAckSample {
  readonly session: number;
  readonly status: FrameStatus;
  /** From the moment the frame was due (captured) until its ack arrived on WatchAcks, ms. */
  readonly latencyMs: number;
  readonly timings: NonNullable<FrameAck["timings"]>;
}

/** What one run measured over its counted window. */
export interface WebLoadResult {
  /** Processed acks per second, all sessions together. */
  readonly fps: number;
  readonly perSessionFps: number[];
  /** Every ack (any status) that arrived in the counted window. */
  readonly acks: WebAckSample[];
  /** Frames the client did not send because its window was full when they were due (paced runs only). */
  readonly skipped: number;
  /** Uploads that failed with a gRPC error (should be 0). */
  readonly uploadErrors: number;
  /** JPEG bytes of the frames acked as processed in the window. */
  readonly processedBytes: number;
  /** CPU time this (client) process spent during the run, per processed frame (warm-up included). */
  readonly clientCpuMsPerFrame: number;
}

/**
 * Drives the server the way the capture page does: per session one
 * OpenSession, one WatchAcks server stream and a unary UploadFrame per frame
 * through gRPC-Web (protobuf-ts GrpcWebFetchTransport, binary format), with
 * at most `window` uploads unacked. Paced at `fps`, a frame due while the
 * window is full is skipped, as the page skips captures; unpaced, the next
 * frame goes as soon as an ack frees the window.
 */
export async function runWebLoad(o: WebLoadOptions): Promise<WebLoadResult> {
  const client = new CaptureServiceClient(new GrpcWebFetchTransport({ baseUrl: o.baseUrl, format: "binary", interceptors: [autoCredentials(TEST_CAPTURE_TOKEN)] }));
  const start = performance.now();
  const from = start + o.warmupMs;
  const to = from + o.durationMs;
  const cpuBefore = process.cpuUsage();
  const acks: WebAckSample[] = [];
  const counted = Array.from({ length: o.sessions }, () => 0);
  let skipped = 0;
  let uploadErrors = 0;
  let processedBytes = 0;
  let allProcessed = 0;
  const spacing = Math.floor(o.jpegs.length / o.sessions);

  const runSession = async (s: number): Promise<void> => {
    const { response: opened } = await client.openSession({ cameraId: `${o.cameraPrefix ?? "web"}-${s}`, cameraName: "" });
    const meta = { "x-session-id": opened.sessionId };
    const abort = new AbortController();
    const dueAt = new Map<number, number>();
    const bytesOf = new Map<number, number>();
    let wake = () => {};
    const watch = client.watchAcks({ sessionId: opened.sessionId, resumeAfterSeq: 0 }, { meta, abort: abort.signal });
    watch.responses.onMessage(({ ack }) => {
      if (!ack) return;
      const now = performance.now();
      const due = dueAt.get(ack.seq) ?? now;
      const bytes = bytesOf.get(ack.seq) ?? 0;
      dueAt.delete(ack.seq);
      bytesOf.delete(ack.seq);
      wake();
      if (ack.status === FrameStatus.PROCESSED) allProcessed++;
      if (now < from || now > to || !ack.timings) return;
      acks.push({ session: s, status: ack.status, latencyMs: now - due, timings: ack.timings });
      if (ack.status !== FrameStatus.PROCESSED) return;
      counted[s]!++;
      processedBytes += bytes;
    });
    const watchDone = watch.status.catch(() => undefined);
    await watch.headers;
    const uploads: Promise<unknown>[] = [];
    const interval = o.fps ? 1000 / o.fps : 0;
    // Sessions start a little apart, as cameras would, so paced frames do not all land at once.
    const first = performance.now() + (interval * s) / o.sessions;
    for (let seq = 1; performance.now() < to; seq++) {
      let due = performance.now();
      if (interval > 0) {
        due = first + (seq - 1) * interval;
        if (due > to) break;
        await sleep(Math.max(0, due - performance.now()));
        if (dueAt.size >= o.window) {
          skipped++;
          continue;
        }
      } else {
        while (dueAt.size >= o.window && performance.now() < to) await Promise.race([new Promise<void>((r) => (wake = r)), sleep(100)]);
        due = performance.now();
      }
      const jpeg = o.jpegs[(s * spacing + seq) % o.jpegs.length]!;
      dueAt.set(seq, due);
      bytesOf.set(seq, jpeg.length);
      const frame = { seq, capturedAtMs: Date.now(), jpeg, width: BENCH_WIDTH, height: BENCH_HEIGHT };
      uploads.push(
        client.uploadFrame({ sessionId: opened.sessionId, frame }, { meta }).response.catch(() => {
          uploadErrors++;
          dueAt.delete(seq);
        }),
      );
      if (uploads.length > 64) uploads.splice(0, 32);
    }
    await Promise.all(uploads);
    // Let the last acks arrive (bounded), then close the stream.
    const end = performance.now() + 5000;
    while (dueAt.size > 0 && performance.now() < end) await Promise.race([new Promise<void>((r) => (wake = r)), sleep(50)]);
    abort.abort();
    await watchDone;
  };

  await Promise.all(counted.map((_, s) => runSession(s)));
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = o.durationMs / 1000;
  const processed = counted.reduce((a, b) => a + b, 0);
  return {
    fps: processed / seconds,
    perSessionFps: counted.map((n) => n / seconds),
    acks,
    skipped,
    uploadErrors,
    processedBytes,
    clientCpuMsPerFrame: (cpu.user + cpu.system) / 1000 / Math.max(1, allProcessed),
  };
}
