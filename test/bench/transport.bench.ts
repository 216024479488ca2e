import { loadConfig } from "../../server/src/config.ts";
import { loadBenchFrames } from "./bench-frames.ts";
import { startBenchServer, type BenchServer } from "./bench-server-process.ts";
import { fixed, interleave, median, spread } from "./bench-stats.ts";
import type { BenchContext, BenchReport, Benchmark } from "./bench-types.ts";
import { startByteCountingRelay } from "./byte-counting-relay.ts";
import { foreignShare, readCpuTicks } from "./machine-load.ts";
import { runStreamLoad } from "./stream-load.ts";
import { runWebLoad } from "./web-session-load.ts";

/** Uploads each session keeps in flight: the capture page's window (SessionLimits.max_in_flight). */
const WINDOW = 2;
/** Issue goal: the browser's path keeps at least this share of native throughput. */
const GOAL = 0.8;
/** The Python original sent raw 8-bit grayscale 640x480 frames. */
const PYTHON_BYTES_PER_FRAME = 640 * 480;

interface Sample {
  readonly fps: number;
  readonly clientCpuMsPerFrame: number;
  readonly serverCpuMsPerFrame: number;
  readonly decodeMs: number;
  readonly foreign?: number;
}

/** Limits raised so that the per-session rate limits cannot cap a transport measurement. */
export function unlimitedConfig() {
  const limits = loadConfig({}).limits;
  return { ...limits, maxFps: 100_000, maxBytesPerSecond: 1024 ** 3 };
}

async function measure(server: BenchServer, run: () => Promise<{ fps: number; clientCpuMsPerFrame: number; decodeMs: number }>): Promise<Sample> {
  const ticks = readCpuTicks([process.pid, server.pid]);
  const before = await server.snapshot({ reset: true });
  const r = await run();
  const after = await server.snapshot({ reset: true });
  const processed = Math.max(1, after.pipeline.processed - before.pipeline.processed);
  return { ...r, serverCpuMsPerFrame: after.cpuMs / processed, foreign: foreignShare(ticks, readCpuTicks([process.pid, server.pid])) };
}

/**
 * Issue 6, item 2: upload throughput of the browser's path (gRPC-Web,
 * unary UploadFrame per frame, acks on WatchAcks) against native gRPC
 * StreamFrames, detection off, and the bytes each costs on the wire.
 */
export const benchmark: Benchmark = {
  id: "transport",
  title: "Transport: gRPC-Web uploads vs native StreamFrames (detection off)",
  async run(ctx: BenchContext): Promise<BenchReport> {
    const rounds = ctx.quick ? 3 : 8;
    const durationMs = ctx.quick ? 1000 : 3000;
    const warmupMs = 300;
    const frames = loadBenchFrames(100);
    const server = await startBenchServer({ server: { detector: "none", config: { workers: 1, limits: unlimitedConfig() } } });
    try {
      const webUrl = server.grpcWebUrl;
      let round = 0;
      const web = () =>
        measure(server, async () => {
          const r = await runWebLoad({ baseUrl: webUrl, sessions: 1, window: WINDOW, jpegs: frames.jpegs, warmupMs, durationMs, cameraPrefix: `t-web-${round++}` });
          if (r.uploadErrors > 0) throw new Error(`${r.uploadErrors} uploads failed`);
          return { fps: r.fps, clientCpuMsPerFrame: r.clientCpuMsPerFrame, decodeMs: median(r.acks.map((a) => a.timings.decodeMs)) };
        });
      const native = () =>
        measure(server, async () => {
          const r = await runStreamLoad({ target: server.target, sessions: 1, window: WINDOW, jpegs: frames.jpegs, warmupMs, durationMs });
          return { fps: r.fps, clientCpuMsPerFrame: r.clientCpuMsPerFrame, decodeMs: r.serverMs.decode };
        });
      ctx.log("warm-up: both transports once");
      await web();
      await native();
      ctx.log(`measuring: ${rounds} rounds x 2 transports x ${durationMs} ms`);
      const samples = await interleave(rounds, [
        { name: "grpc-web", run: web },
        { name: "native", run: native },
      ], (name, r, s) => ctx.log(`  round ${r + 1} ${name}: ${fixed(s.fps)} frames/s, other processes ${fixed(100 * (s.foreign ?? Number.NaN), 0)}% CPU`));

      ctx.log("counting wire bytes through a TCP relay (not timed)");
      const wire = async (port: number, run: (port: number) => Promise<number>) => {
        const relay = await startByteCountingRelay(port);
        try {
          const frameCount = await run(relay.port);
          const { up, down } = relay.counts();
          return { frames: frameCount, upPerFrame: up / frameCount, downPerFrame: down / frameCount };
        } finally {
          await relay.close();
        }
      };
      const wireMs = ctx.quick ? 1000 : 3000;
      const webPort = Number(new URL(webUrl).port);
      const grpcPort = Number(server.target.split(":")[1]);
      const webWire = await wire(webPort, async (p) => (await runWebLoad({ baseUrl: `http://127.0.0.1:${p}`, sessions: 1, window: WINDOW, jpegs: frames.jpegs, warmupMs: 0, durationMs: wireMs, cameraPrefix: "t-wire" })).acks.length);
      const nativeWire = await wire(grpcPort, async (p) => (await runStreamLoad({ target: `127.0.0.1:${p}`, sessions: 1, window: WINDOW, jpegs: frames.jpegs, warmupMs: 0, durationMs: wireMs })).processed);

      const of = (name: string) => samples.get(name) ?? [];
      const fps = (name: string) => of(name).map((s) => s.fps);
      const ratios = of("grpc-web").map((s, i) => s.fps / (of("native")[i]?.fps ?? Number.NaN));
      const ratio = median(ratios);
      // Pairs in which other processes took under 10% of the CPU in both halves: the cleanest this run had.
      const quiet = ratios.filter((_, i) => (of("grpc-web")[i]?.foreign ?? 1) < 0.1 && (of("native")[i]?.foreign ?? 1) < 0.1);
      const mbps = (name: string) => fps(name).map((f) => (f * frames.meanBytes) / 1e6);
      const med = (name: string, pick: (s: Sample) => number) => fixed(median(of(name).map(pick)));
      const foreign = [...samples.values()].flat().flatMap((s) => (s.foreign === undefined ? [] : [s.foreign]));
      const bytesRow = (label: string, w: typeof webWire) =>
        `${fixed(w.upPerFrame / 1024)} KiB up per frame (JPEG ${fixed(frames.meanBytes / 1024)} KiB + ${fixed(w.upPerFrame - frames.meanBytes, 0)} B framing/headers), ${fixed(w.downPerFrame, 0)} B down (ack + responses); ${fixed(w.upPerFrame / PYTHON_BYTES_PER_FRAME, 2)}x the Python original's 307,200 B raw grayscale (${label}, ${w.frames} frames)`;
      return {
        rows: [
          { measure: `gRPC-Web: UploadFrame per frame, ${WINDOW} in flight, acks on WatchAcks`, value: `${spread(fps("grpc-web"))} frames/s, ${spread(mbps("grpc-web"))} MB/s` },
          { measure: `native gRPC: StreamFrames, ${WINDOW} in flight`, value: `${spread(fps("native"))} frames/s, ${spread(mbps("native"))} MB/s` },
          { measure: "**gRPC-Web / native throughput**", value: `${fixed(ratio, 2)} (per round ${ratios.map((r) => fixed(r, 2)).join(" ")}${quiet.length ? `; quiet rounds only (n=${quiet.length}): ${fixed(median(quiet), 2)}` : ""})`, goal: `>= ${GOAL}`, met: ratio >= GOAL },
          { measure: "CPU per frame, gRPC-Web / native", value: `server ${med("grpc-web", (s) => s.serverCpuMsPerFrame)} / ${med("native", (s) => s.serverCpuMsPerFrame)} ms (gRPC-Web proxy included); client ${med("grpc-web", (s) => s.clientCpuMsPerFrame)} / ${med("native", (s) => s.clientCpuMsPerFrame)} ms` },
          { measure: "server decode per frame (worker, full 640x480, no detector), gRPC-Web / native", value: `${med("grpc-web", (s) => s.decodeMs)} / ${med("native", (s) => s.decodeMs)} ms: one session's frames go through the worker one at a time, so ${fixed(1000 / median(of("native").map((s) => s.decodeMs)), 0)} frames/s is the ceiling of either transport here` },
          { measure: "CPU per frame, client + server, gRPC-Web / native", value: `${fixed(median(of("grpc-web").map((s) => s.clientCpuMsPerFrame + s.serverCpuMsPerFrame)) / median(of("native").map((s) => s.clientCpuMsPerFrame + s.serverCpuMsPerFrame)), 2)}x (what the browser's path costs when the CPU, not the decode, is the limit)` },
          { measure: "bytes on the wire per frame, gRPC-Web", value: bytesRow("gRPC-Web", webWire) },
          { measure: "bytes on the wire per frame, native", value: bytesRow("native", nativeWire) },
          { measure: "CPU taken by other processes during the rounds (share of all cores)", value: foreign.length ? `median ${fixed(100 * median(foreign), 0)}%, max ${fixed(100 * Math.max(...foreign), 0)}%` : "n/a" },
        ],
        notes: [
          `Frames: ${frames.description}.`,
          `Server: the real server in its own process, HEADCOUNT_DETECTOR=none (frames are still decoded, at full size), 1 worker, 127.0.0.1. The per-session rate limits (HEADCOUNT_MAX_FPS, default 30; HEADCOUNT_MAX_BYTES_PER_SECOND, default 8 MiB/s) are raised to ${unlimitedConfig().maxFps} fps and 1 GiB/s in this server's config so that they do not cap the measurement.`,
          `One session per transport, ${WINDOW} uploads in flight, as fast as acks come back; ${rounds} rounds of ${durationMs} ms each after ${warmupMs} ms ramp-up, transports interleaved (order reversed every other round); ratio = median of per-round ratios. MB/s = frames/s x mean JPEG size (payload).`,
          "gRPC-Web client: protobuf-ts GrpcWebFetchTransport (Node fetch, HTTP/1.1, binary format) to the server's built-in gRPC-Web endpoint, which bridges each call to the native gRPC server over HTTP/2, as Envoy would. Native client: the project's sender (cli/frame-sender.ts).",
          `Wire bytes: a separate, untimed ${wireMs} ms run per transport through a counting TCP relay; all TCP payload both ways (HTTP/1.1 or HTTP/2 headers, gRPC framing, protobuf, session setup) divided by the frames processed.`,
        ],
        data: { rounds, durationMs, warmupMs, meanJpegBytes: frames.meanBytes, samples: Object.fromEntries(samples), ratios, quietRatios: quiet, wire: { grpcWeb: webWire, native: nativeWire, pythonBytesPerFrame: PYTHON_BYTES_PER_FRAME } },
      };
    } finally {
      await server.stop();
    }
  },
};
