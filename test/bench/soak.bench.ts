import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadBenchFrames } from "./bench-frames.ts";
import { startBenchServer, type ServerSnapshot } from "./bench-server-process.ts";
import { fixed, mib } from "./bench-stats.ts";
import type { BenchContext, BenchReport, Benchmark } from "./bench-types.ts";
import { FrameStatus } from "@headcount/proto/types";
import { sendFrames } from "../../server/src/cli/frame-sender.ts";
import type { SourceFrame } from "../../server/src/cli/jpeg-sources.ts";
import { runWebLoad } from "./web-session-load.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

/** Issue goal: RSS after the first minute grows less than this share. */
const RSS_GOAL = 0.1;
const SAMPLE_EVERY_MS = 10_000;
/** Each leg opens new sessions, so per-session state that is never freed shows up as growth. */
const LEG_MS = 60_000;
/** Sessions of a leg: half through gRPC-Web (the page's pattern), half native StreamFrames. */
const WEB_SESSIONS = 2;
const NATIVE_SESSIONS = 2;
/** Per session: 4 x 10 fps is more than 2 cores detect, so the server is at full load throughout. */
const FPS = 10;
/** Idle timeout of sessions (3 s) + keep-alive of idle HTTP connections (5 s) + margin. */
const IDLE_WAIT_MS = 10_000;

interface Point {
  readonly atS: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** The detector workers' V8 heaps and external (buffers, wasm) memory, summed over workers. */
  readonly workerHeapBytes: number;
  readonly workerExternalBytes: number;
  readonly sockets: number;
  readonly timers: number;
  readonly liveTimers: number;
  readonly ackStreams: number;
  readonly sessions: number;
  readonly processed: number;
}

function point(s: ServerSnapshot, startUs: number): Point {
  return {
    atS: (s.monotonicUs - startUs) / 1e6,
    rssBytes: s.rssBytes,
    heapUsedBytes: s.heapUsedBytes,
    workerHeapBytes: s.pool.memory.reduce((n, m) => n + m.heapUsedBytes, 0),
    workerExternalBytes: s.pool.memory.reduce((n, m) => n + m.externalBytes, 0),
    sockets: s.resources.TCPSocketWrap ?? 0,
    timers: s.resources.Timeout ?? 0,
    liveTimers: s.liveTimers,
    ackStreams: s.ackStreams,
    sessions: s.sessions,
    processed: s.pipeline.processed,
  };
}

/** `count` frames at FPS, for the native sender's pace "source". */
async function* paced(jpegs: readonly Uint8Array[], offset: number, count: number): AsyncGenerator<SourceFrame> {
  for (let i = 0; i < count; i++) yield { jpeg: jpegs[(offset + i) % jpegs.length]!, ptsMs: (i * 1000) / FPS };
}

/** Native StreamFrames sessions at FPS for `durationMs`; returns the frames that failed (rejected or lost) and those dropped-stale. */
async function nativeLeg(target: string, sessions: number, jpegs: readonly Uint8Array[], durationMs: number, leg: string): Promise<{ failed: number; stale: number }> {
  const count = Math.floor((durationMs * FPS) / 1000);
  const runs = await Promise.all(Array.from({ length: sessions }, (_, s) =>
    sendFrames(paced(jpegs, s * 37, count), { targets: [target], cameraId: `${leg}-native-${s}`, cameraName: "", token: TEST_CAPTURE_TOKEN, pace: "source", window: 2, onAck: () => {} })));
  return { failed: runs.reduce((n, r) => n + r.rejected + r.lost, 0), stale: runs.reduce((n, r) => n + r.droppedStale, 0) };
}

/**
 * Issue 6, item 5: full load for 10 minutes (2 minutes with --quick) with
 * sessions replaced every minute, the server's memory, sockets, timers and
 * ack streams sampled every 10 s; then the load stops and everything must
 * return to where it started.
 */
export const benchmark: Benchmark = {
  id: "soak",
  title: "Soak: full load, sessions renewed every minute, memory and handles sampled",
  async run(ctx: BenchContext): Promise<BenchReport> {
    const totalMs = ctx.quick ? 2 * 60_000 : 10 * 60_000;
    const frames = loadBenchFrames(100);
    // Sessions of gRPC-Web clients end by going idle: a short idle timeout lets the end check run soon after the load.
    const heaptrackFile = ctx.heaptrack ? join(ctx.artifactDir, `heaptrack-${Date.now()}`) : undefined;
    const server = await startBenchServer({ server: { detector: "mediapipe", config: { sessionIdleMs: 3000 } }, heaptrackFile });
    if (heaptrackFile) ctx.log(`heaptrack profile: ${heaptrackFile}.zst (read it with heaptrack_print)`);
    try {
      // A short warm-up first, so that the baseline has the connections that stay (the gRPC-Web endpoint's upstream HTTP/2 session).
      await Promise.all([
        runWebLoad({ baseUrl: server.grpcWebUrl, sessions: 1, window: 2, fps: FPS, jpegs: frames.jpegs, warmupMs: 0, durationMs: 3000, cameraPrefix: "soak-warm" }),
        nativeLeg(server.target, 1, frames.jpegs, 3000, "soak-warm"),
      ]);
      await sleep(IDLE_WAIT_MS);
      const idle = await server.snapshot({ gc: true });
      const startUs = idle.monotonicUs;
      const points: Point[] = [point(idle, startUs)];
      const stopAt = Date.now() + totalMs;
      let legs = 0;
      let failed = 0;
      let stale = 0;
      const load = (async () => {
        while (Date.now() + 5000 < stopAt) {
          const durationMs = Math.min(LEG_MS, stopAt - Date.now());
          const leg = legs++;
          const [web, native] = await Promise.all([
            runWebLoad({ baseUrl: server.grpcWebUrl, sessions: WEB_SESSIONS, window: 2, fps: FPS, jpegs: frames.jpegs, warmupMs: 0, durationMs, cameraPrefix: `soak-${leg}` }),
            nativeLeg(server.target, NATIVE_SESSIONS, frames.jpegs, durationMs, `soak-${leg}`),
          ]);
          failed += web.uploadErrors + native.failed + web.acks.filter((a) => a.status === FrameStatus.REJECTED).length;
          stale += native.stale + web.acks.filter((a) => a.status === FrameStatus.DROPPED_STALE).length;
        }
      })();
      let loadDone = false;
      void load.finally(() => (loadDone = true)).catch(() => undefined);
      while (!loadDone) {
        await Promise.race([sleep(SAMPLE_EVERY_MS), load.catch(() => undefined)]);
        if (loadDone) break;
        const p = point(await server.snapshot({ gc: true }), startUs);
        points.push(p);
        ctx.log(`  ${fixed(p.atS, 0)} s: RSS ${mib(p.rssBytes)}, heap ${mib(p.heapUsedBytes)}, workers' heap ${mib(p.workerHeapBytes)} + external ${mib(p.workerExternalBytes)}, ${p.sockets} sockets, ${p.timers} ref'ed timers, ${p.liveTimers} live timers, ${p.ackStreams} ack streams, ${p.processed} frames`);
      }
      await load;
      // Sessions end (StreamFrames at once, gRPC-Web ones after the idle timeout); then all should be as before the load.
      await sleep(IDLE_WAIT_MS);
      const after = point(await server.snapshot({ gc: true }), startUs);
      const loaded = points.slice(1);
      const firstMinute = loaded.find((p) => p.atS >= 60) ?? loaded[0]!;
      const later = loaded.filter((p) => p.atS >= firstMinute.atS);
      const last = later[later.length - 1]!;
      const growth = last.rssBytes / firstMinute.rssBytes - 1;
      const maxGrowth = Math.max(...later.map((p) => p.rssBytes)) / firstMinute.rssBytes - 1;
      const peak = (pick: (p: Point) => number) => Math.max(...later.map(pick));
      const earlyPeak = (pick: (p: Point) => number) => Math.max(...loaded.filter((p) => p.atS <= firstMinute.atS + 60).map(pick));
      const handlesFlat = peak((p) => p.sockets) <= earlyPeak((p) => p.sockets) + 2 && peak((p) => p.timers) <= earlyPeak((p) => p.timers) + 2 && peak((p) => p.liveTimers) <= earlyPeak((p) => p.liveTimers) + 2 && peak((p) => p.ackStreams) <= WEB_SESSIONS + NATIVE_SESSIONS;
      const backToIdle = after.sessions === 0 && after.ackStreams === 0 && after.sockets <= points[0]!.sockets && after.timers <= points[0]!.timers && after.liveTimers <= points[0]!.liveTimers;
      const fps = (last.processed - firstMinute.processed) / Math.max(1, last.atS - firstMinute.atS);
      const series = (pick: (p: Point) => number | string) => points.map(pick).join(" ");
      return {
        rows: [
          { measure: "load", value: `${fixed((totalMs / 60_000), 0)} min, ${legs} legs of new sessions (${WEB_SESSIONS} gRPC-Web + ${NATIVE_SESSIONS} native StreamFrames, ${FPS} fps each, 2 in flight at most); ${fixed(fps)} processed frames/s after the first minute; ${last.processed} frames processed in all; ${stale} frames dropped-stale (overload); ${failed} failed (rejected, upload errors, lost)` },
          { measure: "**RSS growth after the first minute** (last / at 1 min)", value: `${fixed(100 * growth)}% (${mib(firstMinute.rssBytes)} at ${fixed(firstMinute.atS, 0)} s -> ${mib(last.rssBytes)} at ${fixed(last.atS, 0)} s; max +${fixed(100 * maxGrowth)}%)`, goal: `< ${100 * RSS_GOAL}%`, met: growth < RSS_GOAL },
          { measure: "**open sockets, timers, ack streams under load** (no growth)", value: `sockets ${earlyPeak((p) => p.sockets)} in the 2nd minute, at most ${peak((p) => p.sockets)} later; ref'ed timers ${earlyPeak((p) => p.timers)} / ${peak((p) => p.timers)}; live timers ${earlyPeak((p) => p.liveTimers)} / ${peak((p) => p.liveTimers)}; ack streams at most ${peak((p) => p.ackStreams)} (${WEB_SESSIONS + NATIVE_SESSIONS} sessions)`, goal: "flat", met: handlesFlat },
          { measure: "**after the load** (10 s later)", value: `${after.sessions} sessions, ${after.ackStreams} ack streams, ${after.sockets} sockets (idle after a warm-up: ${points[0]!.sockets}), ${after.timers} ref'ed and ${after.liveTimers} live timers (idle: ${points[0]!.timers} and ${points[0]!.liveTimers}); RSS ${mib(after.rssBytes)}, heap ${mib(after.heapUsedBytes)} (before: ${mib(points[0]!.heapUsedBytes)})`, goal: "back to idle", met: backToIdle },
          { measure: "main-thread heap after the first minute / at the end", value: `${mib(firstMinute.heapUsedBytes)} / ${mib(last.heapUsedBytes)}` },
          {
            measure: "workers' V8 heaps + external memory (buffers, wasm), all workers, after the first minute / at the end",
            value: `${mib(firstMinute.workerHeapBytes)} + ${mib(firstMinute.workerExternalBytes)} / ${mib(last.workerHeapBytes)} + ${mib(last.workerExternalBytes)}`,
          },
        ],
        notes: [
          `Frames: ${frames.description}. Server: the real server (own process, 127.0.0.1, ${server.detectorName}, default workers), HEADCOUNT_SESSION_IDLE_MS lowered to 3000 so that the gRPC-Web sessions (which end by going idle) are closed in time for the after-load check.`,
          `Sampled every ${SAMPLE_EVERY_MS / 1000} s after a forced GC of the main thread: RSS, main-thread heap, TCP sockets and ref'ed timers (process.getActiveResourcesInfo() of the main thread), live timers (every global setTimeout/setInterval not yet fired or cleared, unref'ed ones included, counted by the bench server process), ack streams (watchers over all sessions). "No growth": the peaks after the first minute are at most 2 above the peaks of the second minute; ack streams never more than the sessions.`,
          `RSS series (MiB): ${series((p) => (p.rssBytes / 1024 ** 2).toFixed(0))}. Workers' heap + external (MiB): ${series((p) => ((p.workerHeapBytes + p.workerExternalBytes) / 1024 ** 2).toFixed(0))}. Sockets: ${series((p) => p.sockets)}. Live timers: ${series((p) => p.liveTimers)}.`,
        ],
        data: { totalMs, legs, points, after },
      };
    } finally {
      await server.stop();
    }
  },
};
