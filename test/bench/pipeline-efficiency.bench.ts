import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { requireFile, testModelPath } from "../support/paths.ts";
import { loadBenchFrames } from "./bench-frames.ts";
import { startBenchServer, type BenchServer } from "./bench-server-process.ts";
import { fixed, interleave, type Contender } from "./bench-stats.ts";
import type { BenchContext, BenchReport, Benchmark } from "./bench-types.ts";
import { startDetectorLoops, type DetectorLoops } from "./detector-loop-pool.ts";
import { foreignShare, readCpuTicks } from "./machine-load.ts";
import { reportEfficiency, WINDOW, type Measured, type Sample } from "./pipeline-efficiency-report.ts";
import { runStreamLoad } from "./stream-load.ts";

/** Runs `measure`, noting how much CPU processes other than `pids` took meanwhile. */
async function watched(pids: readonly number[], measure: () => Promise<Sample>): Promise<Sample> {
  const before = readCpuTicks(pids);
  const sample = await measure();
  return { ...sample, foreign: foreignShare(before, readCpuTicks(pids)) };
}

async function detectorOnly(loops: DetectorLoops, workers: number, durationMs: number): Promise<Sample> {
  const before = process.cpuUsage();
  const run = await loops.run(workers, durationMs);
  const cpu = process.cpuUsage(before);
  return { fps: run.fps, cpuMsPerFrame: (cpu.user + cpu.system) / 1000 / run.frames, detectMs: run.meanDetectMs };
}

async function pipeline(server: BenchServer, sessions: number, jpegs: readonly Uint8Array[], warmupMs: number, durationMs: number): Promise<Sample> {
  const before = await server.snapshot({ reset: true });
  const load = await runStreamLoad({ target: server.target, sessions, window: WINDOW, jpegs, warmupMs, durationMs });
  const after = await server.snapshot({ reset: true });
  const processed = after.pipeline.processed - before.pipeline.processed;
  if (load.notProcessed > 0) throw new Error(`${load.notProcessed} frames were not processed (dropped or rejected): the load is not what this benchmark assumes`);
  return {
    fps: load.fps,
    cpuMsPerFrame: after.cpuMs / Math.max(1, processed),
    detectMs: load.serverMs.detect,
    load,
    mainThreadUtilization: after.mainThreadUtilization,
    window: [before.monotonicUs, after.monotonicUs],
  };
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
    const rounds = ctx.quick ? 3 : 8;
    const durationMs = ctx.quick ? 1500 : 2500;
    const warmupMs = ctx.quick ? 300 : 400;
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
    let measured: Measured;
    try {
      const pids = [process.pid, serverN.pid, ...(server1 ? [server1.pid] : [])];
      const contenders: Contender<Sample>[] = [
        { name: `detector-${n}`, run: () => watched(pids, () => detectorOnly(loops, n, durationMs)) },
        { name: `pipeline-${n}`, run: () => watched(pids, () => pipeline(serverN, n, frames.jpegs, warmupMs, durationMs)) },
      ];
      if (server1) {
        contenders.push({ name: "detector-1", run: () => watched(pids, () => detectorOnly(loops, 1, durationMs)) });
        contenders.push({ name: "pipeline-1", run: () => watched(pids, () => pipeline(server1, 1, frames.jpegs, warmupMs, durationMs)) });
      }
      ctx.log("warm-up: every configuration once, not counted");
      await interleave(1, contenders.map((c) => ({ ...c, run: () => c.run(-1) })));
      const warm = await serverN.snapshot({ gc: true });
      ctx.log(`measuring: ${rounds} rounds x ${contenders.length} configurations x ${durationMs} ms`);
      const samples = await interleave(rounds, contenders, (name, round, s) =>
        ctx.log(`  round ${round + 1} ${name}: ${fixed(s.fps)} frames/s, detect ${fixed(s.detectMs)} ms, other processes ${fixed(100 * (s.foreign ?? Number.NaN), 0)}% CPU`),
      );
      const end = await serverN.snapshot({ gc: true });
      const single = server1 ? await server1.snapshot({ gc: true }) : undefined;
      measured = { n, rounds, durationMs, warmupMs, samples, warm, end, single, frames: frames.description, detectorName: `${loops.detectorName}, model ${basename(testModelPath)}`, imageSize: loops.imageSize, profileDir };
    } finally {
      // Stopped before reporting: the server writes its CPU profiles when it exits.
      await Promise.all([loops.close(), serverN.stop(), server1?.stop()]);
      if (profileDir) ctx.log(`CPU profiles in ${profileDir}`);
    }
    return reportEfficiency(measured);
  },
};
