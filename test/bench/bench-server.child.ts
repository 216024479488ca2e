import { monitorEventLoopDelay, performance, type EventLoopUtilization } from "node:perf_hooks";
import { startTestServer, type TestServerOptions } from "../support/test-server.ts";
import type { ServerRequest, ServerSnapshot, ToParent } from "./bench-server-process.ts";

/**
 * A real headcount server in its own process, for benchmarks: started with
 * the test server helper (createServer, 127.0.0.1, port 0), driven over IPC.
 * Its own process so that its memory and CPU are its own, and the load
 * generator cannot stall its event loop.
 */

/**
 * Live timers: every timer made with the global setTimeout/setInterval until
 * it fires (timeouts) or is cleared. getActiveResourcesInfo() lists only
 * ref'ed ones, and a leaked unref'ed timer leaks all the same.
 */
const liveTimers = new Set<unknown>();
const real = { setTimeout, setInterval, clearTimeout, clearInterval };
globalThis.setTimeout = Object.assign((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = real.setTimeout((...a: unknown[]) => {
    liveTimers.delete(t);
    fn(...a);
  }, ms, ...args);
  liveTimers.add(t);
  return t;
}, { __promisify__: real.setTimeout.__promisify__ }) as typeof setTimeout;
globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = real.setInterval(fn, ms, ...args);
  liveTimers.add(t);
  return t;
}) as typeof setInterval;
globalThis.clearTimeout = ((t?: Parameters<typeof clearTimeout>[0]) => {
  liveTimers.delete(t);
  real.clearTimeout(t);
}) as typeof clearTimeout;
globalThis.clearInterval = ((t?: Parameters<typeof clearInterval>[0]) => {
  liveTimers.delete(t);
  real.clearInterval(t);
}) as typeof clearInterval;

const options = JSON.parse(process.argv[2] ?? "{}") as TestServerOptions;
const send = (message: ToParent) => process.send!(message);

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let eluStart: EventLoopUtilization = performance.eventLoopUtilization();
let cpuStart = process.cpuUsage();

const server = await startTestServer(options);

function snapshot(reset: boolean): ServerSnapshot {
  const memory = process.memoryUsage();
  const elu = performance.eventLoopUtilization(eluStart);
  const cpu = process.cpuUsage(cpuStart);
  const result: ServerSnapshot = {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
    mainThreadUtilization: elu.utilization,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopDelayP99Ms: delay.count > 0 ? delay.percentile(99) / 1e6 : 0,
    pipeline: { ...server.server.pipeline.stats },
    pool: server.server.pool.stats(),
    sessions: server.server.sessions.size,
    ackStreams: [...server.server.sessions.all()].reduce((n, s) => n + s.watcherCount, 0),
    resources: countBy(process.getActiveResourcesInfo()),
    liveTimers: liveTimers.size,
    monotonicUs: Number(process.hrtime.bigint() / 1000n),
  };
  if (reset) {
    eluStart = performance.eventLoopUtilization();
    cpuStart = process.cpuUsage();
    delay.reset();
  }
  return result;
}

function countBy(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

process.on("message", (request: ServerRequest) => {
  if (request.type === "snapshot") {
    // Let the runner measure memory without the garbage of the last round.
    if (request.gc && globalThis.gc) globalThis.gc();
    send({ type: "snapshot", id: request.id, snapshot: snapshot(request.reset) });
  } else if (request.type === "stop") {
    void server.stop().then(() => process.exit(0));
  }
});

send({ type: "listening", grpcPort: server.grpcPort, grpcWebUrl: server.grpcWebUrl, detectorName: server.server.pool.detectorName });
