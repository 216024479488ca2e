import { FrameStatus } from "@headcount/proto/types";
import { loadBenchFrames } from "./bench-frames.ts";
import { startBenchServer } from "./bench-server-process.ts";
import { fixed, median, quantile } from "./bench-stats.ts";
import type { BenchContext, BenchReport, Benchmark } from "./bench-types.ts";
import { foreignShare, readCpuTicks } from "./machine-load.ts";
import { runWebLoad, type WebLoadResult } from "./web-session-load.ts";

const SESSIONS = 8;
const FPS = 10;
/** Issue goals: fairness (min/max processed fps), p95 latency / detect, event-loop delay p99. */
const GOALS = { fairness: 0.8, latency: 3, loopMs: 50 } as const;

interface Round {
  readonly load: WebLoadResult;
  readonly loopP99Ms: number;
  readonly workers: number;
  /** Server CPU (all threads) per processed frame, ms, and the main thread's busy share. */
  readonly serverCpuMsPerFrame: number;
  readonly mainThread: number;
  readonly foreign?: number;
}

/**
 * Issue 6, item 4: eight browser sessions at 10 fps each, more than the
 * machine can detect: is the capacity shared fairly, does latency stay
 * bounded (stale frames dropped rather than queued), and does the main
 * thread stay responsive?
 */
export const benchmark: Benchmark = {
  id: "many-cameras",
  title: `Many cameras: ${SESSIONS} gRPC-Web sessions at ${FPS} fps each (overload)`,
  async run(ctx: BenchContext): Promise<BenchReport> {
    const rounds = ctx.quick ? 1 : 3;
    const durationMs = ctx.quick ? 8000 : 15_000;
    const warmupMs = 2000;
    const frames = loadBenchFrames(100);
    const server = await startBenchServer({ server: { detector: "mediapipe" } });
    const pids = [process.pid, server.pid];
    const samples: Round[] = [];
    try {
      for (let r = 0; r < rounds; r++) {
        const ticks = readCpuTicks(pids);
        const before = await server.snapshot({ reset: true });
        const load = await runWebLoad({ baseUrl: server.grpcWebUrl, sessions: SESSIONS, window: 2, fps: FPS, jpegs: frames.jpegs, warmupMs, durationMs, cameraPrefix: `many-${r}` });
        const snap = await server.snapshot({ reset: true });
        const serverCpuMsPerFrame = snap.cpuMs / Math.max(1, snap.pipeline.processed - before.pipeline.processed);
        samples.push({ load, loopP99Ms: snap.eventLoopDelayP99Ms, workers: snap.pool.workers, serverCpuMsPerFrame, mainThread: snap.mainThreadUtilization, foreign: foreignShare(ticks, readCpuTicks(pids)) });
        const per = load.perSessionFps;
        ctx.log(`  round ${r + 1}: ${fixed(load.fps)} processed frames/s, per session ${per.map((f) => fixed(f)).join(" ")}, loop p99 ${fixed(snap.eventLoopDelayP99Ms)} ms`);
      }
      const fairness = samples.map((s) => Math.min(...s.load.perSessionFps) / Math.max(...s.load.perSessionFps));
      const acks = samples.flatMap((s) => s.load.acks);
      const processed = acks.filter((a) => a.status === FrameStatus.PROCESSED);
      const stale = acks.filter((a) => a.status === FrameStatus.DROPPED_STALE).length;
      const detect = median(processed.map((a) => a.timings.detectMs));
      const decode = median(processed.map((a) => a.timings.decodeMs));
      const lat = processed.map((a) => a.latencyMs);
      const p95 = quantile(lat, 0.95);
      const latencyRatio = p95 / detect;
      const loop = Math.max(...samples.map((s) => s.loopP99Ms));
      const fair = median(fairness);
      const skipped = samples.reduce((n, s) => n + s.load.skipped, 0);
      const offered = acks.length + skipped;
      const perSession = Array.from({ length: SESSIONS }, (_, i) => median(samples.map((s) => s.load.perSessionFps[i]!)));
      const queued = median(processed.map((a) => a.timings.queuedMs));
      const server95 = quantile(processed.map((a) => a.timings.totalMs), 0.95);
      const outside = processed.map((a) => a.latencyMs - a.timings.totalMs);
      const foreign = samples.flatMap((s) => (s.foreign === undefined ? [] : [s.foreign]));
      return {
        rows: [
          { measure: "processed frames/s, all sessions", value: `${fixed(median(samples.map((s) => s.load.fps)))} of ${SESSIONS * FPS} offered (${samples[0]?.workers ?? "?"} workers)` },
          { measure: "processed frames/s per session (median over rounds)", value: perSession.map((f) => fixed(f)).join(", ") },
          { measure: "**fairness: min / max processed fps per session**", value: `${fixed(fair, 2)} (per round ${fairness.map((f) => fixed(f, 2)).join(" ")})`, goal: `>= ${GOALS.fairness}`, met: fair >= GOALS.fairness },
          { measure: "**ack p95 latency / detect time**", value: `${fixed(latencyRatio, 2)} (capture-to-ack p50 ${fixed(quantile(lat, 0.5))} ms, p95 ${fixed(p95)} ms; detect median ${fixed(detect)} ms, decode ${fixed(decode)} ms, pool queue ${fixed(queued)} ms)`, goal: `<= ${GOALS.latency}`, met: latencyRatio <= GOALS.latency },
          { measure: "where the latency goes (processed frames)", value: `server receipt-to-ack p50 ${fixed(quantile(processed.map((a) => a.timings.totalMs), 0.5))} ms, p95 ${fixed(server95)} ms (waiting for a worker + decode + detect + track); client and gRPC-Web proxy p50 ${fixed(quantile(outside, 0.5))} ms, p95 ${fixed(quantile(outside, 0.95))} ms` },
          { measure: "server CPU per processed frame; main thread busy", value: `${fixed(median(samples.map((s) => s.serverCpuMsPerFrame)))} ms (all threads, gRPC-Web proxy included); ${fixed(100 * median(samples.map((s) => s.mainThread)), 0)}%` },
          { measure: "frames acked as dropped-stale", value: `${fixed((100 * stale) / Math.max(1, acks.length))}% of ${acks.length} acks; ${fixed((100 * skipped) / Math.max(1, offered))}% of due frames not sent (client window of 2 full)` },
          { measure: "**server event-loop delay p99**", value: `${fixed(loop)} ms (worst round; per round ${samples.map((s) => fixed(s.loopP99Ms)).join(" ")})`, goal: `< ${GOALS.loopMs} ms`, met: loop < GOALS.loopMs },
          { measure: "CPU taken by other processes (share of all cores)", value: foreign.length ? `median ${fixed(100 * median(foreign), 0)}%, max ${fixed(100 * Math.max(...foreign), 0)}%` : "n/a" },
          { measure: "gRPC-Web client on the same machine", value: `${fixed(median(samples.map((s) => s.load.clientCpuMsPerFrame)))} ms CPU per processed frame; ${samples.reduce((n, s) => n + s.load.uploadErrors, 0)} upload errors` },
        ],
        notes: [
          `Frames: ${frames.description}. Server: the real server (own process, 127.0.0.1, ${server.detectorName}, default workers = cores), every frame decoded and detected.`,
          `Browser path: ${SESSIONS} sessions, each OpenSession + WatchAcks + one UploadFrame per frame through the built-in gRPC-Web endpoint (protobuf-ts GrpcWebFetchTransport), paced at ${FPS} fps with at most 2 uploads unacked (a frame due while 2 are out is not sent, as on the page); sessions start staggered within one frame interval.`,
          `${rounds} round(s) of ${durationMs} ms after ${warmupMs} ms ramp-up. Latency: from the frame's due time to its ack on WatchAcks, processed frames only; ratio to the median detect time of the same frames (from the acks). Event-loop delay: the server's monitorEventLoopDelay (10 ms resolution), reset at the start of each round.`,
        ],
        data: { sessions: SESSIONS, fps: FPS, rounds, durationMs, fairness, latencyRatio, p95, detect, decode, stale, acks: acks.length, skipped, loopP99: samples.map((s) => s.loopP99Ms), perSession },
      };
    } finally {
      await server.stop();
    }
  },
};
