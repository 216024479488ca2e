import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { requireFile, testModelPath } from "../support/paths.ts";
import { loadBenchFrames } from "./bench-frames.ts";
import { startBenchServer, type BenchServer, type ServerSnapshot } from "./bench-server-process.ts";
import { fixed, interleave, median, mib, spread, type Contender } from "./bench-stats.ts";
import type { BenchContext, BenchReport, BenchRow, Benchmark } from "./bench-types.ts";
import { summarizeProfiles } from "./cpu-profile-summary.ts";
import { startDetectorLoops, type DetectorLoops } from "./detector-loop-pool.ts";
import { runStreamLoad, type StreamLoadResult } from "./stream-load.ts";

/** Frames each session keeps in flight: one in the worker, one waiting, so a worker never waits for the network. */
const WINDOW = 2;
const GOAL = 0.9;

/** One round's measurement of one configuration. */
interface Sample {
  readonly fps: number;
  /** CPU time per frame: the bench process for detector-only, the server process for the pipeline. */
  readonly cpuMsPerFrame: number;
  readonly detectMs: number;
  readonly load?: StreamLoadResult;
  readonly mainThreadUtilization?: number;
}

async function detectorOnly(loops: DetectorLoops, workers: number, durationMs: number): Promise<Sample> {
  const before = process.cpuUsage();
  const run = await loops.run(workers, durationMs);
  const cpu = process.cpuUsage(before);
  return { fps: run.fps, cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / run.frames, detectMs: run.medianDetectMs };
}

async function pipeline(server: BenchServer, sessions: number, jpegs: readonly Uint8Array[], warmupMs: number, durationMs: number): Promise<Sample> {
  const before = await server.snapshot({ reset: true });
  const load = await runStreamLoad({ target: server.target, sessions, window: WINDOW, jpegs, warmupMs, durationMs });
  const after = await server.snapshot({ reset: true });
  const processed = after.pipeline.processed - before.pipeline.processed;
  if (load.notProcessed > 0) throw new Error(`${load.notProcessed} frames were not processed (dropped or rejected): the load is not what this benchmark assumes`);
  return { fps: load.fps, cpuMsPerFrame: after.cpuMs / Math.max(1, processed), detectMs: load.serverMs.detect, load, mainThreadUtilization: after.mainThreadUtilization };
}

function memoryOf(s: ServerSnapshot) {
  return { rssBytes: s.rssBytes, heapUsedBytes: s.heapUsedBytes, externalBytes: s.externalBytes };
}

/**
 * Issue 3's benchmark (issue 6, item 1): detector-only throughput with 1 and
 * N workers, the whole server pipeline with 1 and N workers on the same
 * frames, their ratio, CPU per frame, and the server's memory.
 */
export const benchmark: Benchmark = {
  id: "pipeline-efficiency",
  title: "Pipeline efficiency: whole server pipeline vs detector only",
  async run(ctx: BenchContext): Promise<BenchReport> {
    const n = availableParallelism();
    const rounds = ctx.quick ? 3 : 6;
    const durationMs = ctx.quick ? 1500 : 3000;
    const warmupMs = ctx.quick ? 400 : 600;
    const frames = loadBenchFrames(100);
    const config = loadConfig({});
    const model = new Uint8Array(readFileSync(requireFile(testModelPath, "model")));
    const profileDir = ctx.profile ? join(ctx.artifactDir, `cpu-profile-${Date.now()}`) : undefined;
    ctx.log(`starting ${n} detector loops and servers with ${n} and 1 workers (${frames.jpegs.length} frames)`);
    const serverOptions = (workers: number) => ({ detector: "mediapipe" as const, config: { workers, grpcWebPort: null } });
    const [loops, serverN, server1] = await Promise.all([
      startDetectorLoops({ count: n, model, scoreThreshold: config.scoreThreshold, maxResults: config.maxPeople, maxPixels: config.limits.maxPixels, jpegs: frames.jpegs }),
      startBenchServer({ server: serverOptions(n), cpuProfileDir: profileDir }),
      n > 1 ? startBenchServer({ server: serverOptions(1) }) : undefined,
    ]);
    try {
      const contenders: Contender<Sample>[] = [
        { name: `detector-${n}`, run: () => detectorOnly(loops, n, durationMs) },
        { name: `pipeline-${n}`, run: () => pipeline(serverN, n, frames.jpegs, warmupMs, durationMs) },
      ];
      if (server1) {
        contenders.push({ name: "detector-1", run: () => detectorOnly(loops, 1, durationMs) });
        contenders.push({ name: "pipeline-1", run: () => pipeline(server1, 1, frames.jpegs, warmupMs, durationMs) });
      }
      ctx.log("warm-up: every configuration once, not counted");
      await interleave(1, contenders.map((c) => ({ ...c, run: () => c.run(-1) })));
      const warm = await serverN.snapshot({ gc: true });
      ctx.log(`measuring: ${rounds} rounds x ${contenders.length} configurations x ${durationMs} ms`);
      const samples = await interleave(rounds, contenders, (name, round, s) => ctx.log(`  round ${round + 1} ${name}: ${fixed(s.fps)} frames/s, detect ${fixed(s.detectMs)} ms`));
      const end = await serverN.snapshot({ gc: true });
      const single = server1 ? await server1.snapshot({ gc: true }) : undefined;
      return report({ n, rounds, durationMs, warmupMs, samples, warm, end, single, frames: frames.description, detectorName: loops.detectorName, imageSize: loops.imageSize, profileDir });
    } finally {
      await Promise.all([loops.close(), serverN.stop(), server1?.stop()]);
      if (profileDir) ctx.log(`CPU profiles in ${profileDir}`);
    }
  },
};

interface Measured {
  n: number;
  rounds: number;
  durationMs: number;
  warmupMs: number;
  samples: Map<string, Sample[]>;
  warm: ServerSnapshot;
  end: ServerSnapshot;
  single: ServerSnapshot | undefined;
  frames: string;
  detectorName: string;
  imageSize: { width: number; height: number };
  profileDir: string | undefined;
}

function report(m: Measured): BenchReport {
  const of = (name: string) => m.samples.get(name) ?? [];
  const fps = (name: string) => of(name).map((s) => s.fps);
  // Each round's pair ran back to back: the median of paired ratios shrugs off a noisy round.
  const ratios = (a: string, b: string) => of(a).map((s, i) => s.fps / (of(b)[i]?.fps ?? Number.NaN));
  const med = (name: string, pick: (s: Sample) => number) => median(of(name).map(pick));
  const rows: BenchRow[] = [];
  const detail = (name: string) =>
    `${spread(fps(name))} frames/s; detect ${fixed(med(name, (s) => s.detectMs))} ms/frame, CPU ${fixed(med(name, (s) => s.cpuMsPerFrame))} ms/frame`;
  const pipeDetail = (name: string) => {
    const loads = of(name).flatMap((s) => (s.load ? [s.load] : []));
    const ms = (pick: (l: StreamLoadResult) => number) => fixed(median(loads.map(pick)));
    return `${detail(name)}; decode ${ms((l) => l.serverMs.decode)}, track+count ${ms((l) => l.serverMs.track)}, pool queue ${ms((l) => l.serverMs.queued)} ms; ` +
      `main thread ${fixed(100 * med(name, (s) => s.mainThreadUtilization ?? 0), 0)}% busy; client CPU ${ms((l) => l.clientCpuMsPerFrame)} ms/frame`;
  };
  const ratioRow = (measure: string, a: string, b: string, goal: boolean): BenchRow => {
    const r = median(ratios(a, b));
    const text = `${fixed(r, 2)} (${fixed(median(fps(a)))} / ${fixed(median(fps(b)))} frames/s; per round ${ratios(a, b).map((x) => fixed(x, 2)).join(" ")})`;
    return goal ? { measure, value: text, goal: `>= ${GOAL}`, met: r >= GOAL } : { measure, value: text };
  };
  const [pN, dN] = [`pipeline-${m.n}`, `detector-${m.n}`];
  if (m.n > 1) rows.push({ measure: "detector only, 1 worker", value: detail("detector-1") });
  rows.push({ measure: `detector only, ${m.n} workers`, value: detail(dN) });
  if (m.n > 1) rows.push(ratioRow(`detector scaling, ${m.n} workers / 1`, dN, "detector-1", false));
  if (m.n > 1) rows.push({ measure: "pipeline, 1 worker, 1 session", value: pipeDetail("pipeline-1") });
  rows.push({ measure: `pipeline, ${m.n} workers, ${m.n} sessions`, value: pipeDetail(pN) });
  if (m.n > 1) rows.push(ratioRow("pipeline / detector only, 1 worker (a core to spare)", "pipeline-1", "detector-1", false));
  rows.push(ratioRow(`**pipeline / detector only, ${m.n} workers**`, pN, dN, true));
  const cpuRatio = med(dN, (s) => s.cpuMsPerFrame) / med(pN, (s) => s.cpuMsPerFrame);
  rows.push({ measure: `CPU cost ratio, ${m.n} workers (detector-only CPU per frame / server CPU per frame)`, value: fixed(cpuRatio, 2) });
  rows.push({ measure: `server memory after warm-up (${m.n} workers)`, value: `RSS ${mib(m.warm.rssBytes)}, heapUsed ${mib(m.warm.heapUsedBytes)} (main thread)` });
  rows.push({ measure: "server memory at the end of the run", value: `RSS ${mib(m.end.rssBytes)}, heapUsed ${mib(m.end.heapUsedBytes)}; ${m.end.pipeline.processed} frames processed` });
  if (m.single) rows.push({ measure: "server memory, 1 worker", value: `RSS ${mib(m.single.rssBytes)} (so about ${mib((m.end.rssBytes - m.single.rssBytes) / (m.n - 1))} per extra worker)` });
  const notes = [
    `Frames: ${m.frames}. The detector (${m.detectorName}) is fed ${m.imageSize.width}x${m.imageSize.height} RGBA, the size the frame worker decodes to.`,
    `Detector only: ${m.n} worker threads, each with its own MediaPipe detector built like the frame workers' and the frames decoded once up front with the server's decoder; each loops detect() for ${m.durationMs} ms.`,
    `Pipeline: the real server (createServer, own process, 127.0.0.1) fed over native gRPC StreamFrames by the project's sender, one session per worker, ${WINDOW} frames in flight each, acks counted over ${m.durationMs} ms after ${m.warmupMs} ms of ramp-up; every frame decoded, detected, tracked, counted and acked.`,
    `${m.rounds} rounds, configurations interleaved (order reversed every other round); figures are medians with the (min-max) over rounds; ratios are medians of per-round ratios. The load generator shares the machine (its CPU is shown).`,
    "CPU per frame is process CPU time (all threads) divided by frames: the bench process for detector only, the server process for the pipeline (client excluded); unlike frames/s it barely depends on other jobs on the machine.",
  ];
  if (m.profileDir) notes.push(...profileNotes(m.profileDir));
  const data = {
    workers: m.n, rounds: m.rounds, durationMs: m.durationMs, warmupMs: m.warmupMs, frames: m.frames, detector: m.detectorName, detectorInput: m.imageSize,
    samples: Object.fromEntries(m.samples),
    ratios: { pipelineOverDetector: ratios(pN, dN), pipelineOverDetector1: m.n > 1 ? ratios("pipeline-1", "detector-1") : [], scaling: m.n > 1 ? ratios(dN, "detector-1") : [] },
    cpuCostRatio: cpuRatio,
    memory: { afterWarmup: memoryOf(m.warm), end: memoryOf(m.end), singleWorker: m.single ? memoryOf(m.single) : null },
    profileDir: m.profileDir ?? null,
  };
  return { rows, notes, data };
}

/** Where the profiled server spent its time, one line per thread. Profiling slows it: its figures above are not comparable. */
function profileNotes(dir: string): string[] {
  return summarizeProfiles(dir, 5).map((t) => {
    const areas = t.areas.slice(0, 6).map((a) => `${a.area} ${fixed(100 * a.share, 0)}%`).join(", ");
    const fns = t.functions.map((f) => `${f.name} ${fixed(100 * f.share, 0)}%`).join("; ");
    return `Profile of server thread ${t.threadId} (${fixed(t.totalMs / 1000)} s sampled; profiling slows the run, so its figures above are inflated): ${areas}. Top functions: ${fns}.`;
  });
}
