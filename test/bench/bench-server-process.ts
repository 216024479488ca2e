import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestServerOptions } from "../support/test-server.ts";
import type { WorkerPoolStats } from "../../server/src/pipeline/worker-pool.ts";

/** The server process's counters at one moment; CPU and loop figures cover the time since the last reset. */
export interface ServerSnapshot {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly externalBytes: number;
  /** Share of wall time the main (gRPC) thread was busy, 0..1. */
  readonly mainThreadUtilization: number;
  /** CPU time of the whole process, every thread. */
  readonly cpuMs: number;
  readonly eventLoopDelayP99Ms: number;
  readonly pipeline: { processed: number; droppedStale: number; rejected: number; failed: number };
  readonly pool: WorkerPoolStats;
  readonly sessions: number;
  /** Open WatchAcks/StreamFrames ack streams, over all sessions. */
  readonly ackStreams: number;
  /** Handles and requests keeping the event loop alive, by type (process.getActiveResourcesInfo()): TCPSocketWrap, Timeout, ... */
  readonly resources: Record<string, number>;
  /** Timers made with the global setTimeout/setInterval that have neither fired nor been cleared (unref'ed ones too). */
  readonly liveTimers: number;
  /** When the snapshot was taken, on the clock V8's CPU profiles use (CLOCK_MONOTONIC), microseconds. */
  readonly monotonicUs: number;
}

/** Runner -> server process. */
export type ServerRequest =
  | { readonly type: "snapshot"; readonly id: number; readonly reset: boolean; readonly gc: boolean }
  | { readonly type: "stop" };

/** Server process -> runner. */
export type ToParent =
  | { readonly type: "listening"; readonly grpcPort: number; readonly grpcWebUrl: string; readonly detectorName: string }
  | { readonly type: "snapshot"; readonly id: number; readonly snapshot: ServerSnapshot };

/** A benchmark server running in a child process. */
export interface BenchServer {
  readonly pid: number;
  /** host:port for native gRPC clients. */
  readonly target: string;
  readonly grpcWebUrl: string;
  readonly detectorName: string;
  /** Reads the counters; `reset` starts a new CPU/loop window, `gc` collects garbage first. */
  snapshot(options?: { reset?: boolean; gc?: boolean }): Promise<ServerSnapshot>;
  /** Stops the server cleanly (so a CPU profile gets written) and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Options for {@link startBenchServer}. */
export interface BenchServerOptions {
  readonly server: TestServerOptions;
  /** Write V8 CPU profiles (main thread and every worker) into this folder. */
  readonly cpuProfileDir?: string;
  /** Run the server under heaptrack (Debian's `heaptrack`), writing its native heap profile to this file (`.zst` is added). */
  readonly heaptrackFile?: string;
}

const childEntry = fileURLToPath(new URL("./bench-server.child.ts", import.meta.url));

/** Starts the real server in its own Node process and waits until it listens. */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const args = ["--import", "tsx", "--expose-gc"];
  if (options.cpuProfileDir) {
    mkdirSync(options.cpuProfileDir, { recursive: true });
    args.push("--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir);
  }
  const command = [process.execPath, ...args, childEntry, JSON.stringify(options.server)];
  if (options.heaptrackFile) {
    mkdirSync(dirname(options.heaptrackFile), { recursive: true });
    command.unshift("heaptrack", "-o", options.heaptrackFile);
  }
  const child = spawn(command[0]!, command.slice(1), {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // As the server is started by `npm start` and the Docker image (fewer glibc malloc arenas).
    env: { ...process.env, MALLOC_ARENA_MAX: "2" },
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const listening = await new Promise<Extract<ToParent, { type: "listening" }>>((resolve, reject) => {
    child.once("error", (err) => reject(options.heaptrackFile ? new Error(`cannot run heaptrack (apt-get install heaptrack): ${err.message}`) : err));
    void exited.then((code) => reject(new Error(`the bench server exited with code ${code} before listening`)));
    child.once("message", (m: ToParent) => (m.type === "listening" ? resolve(m) : reject(new Error(`unexpected ${m.type}`))));
  });
  let nextId = 1;
  const waiting = new Map<number, (s: ServerSnapshot) => void>();
  child.on("message", (m: ToParent) => {
    if (m.type !== "snapshot") return;
    waiting.get(m.id)?.(m.snapshot);
    waiting.delete(m.id);
  });
  return {
    pid: child.pid!,
    target: `127.0.0.1:${listening.grpcPort}`,
    grpcWebUrl: listening.grpcWebUrl,
    detectorName: listening.detectorName,
    snapshot({ reset = false, gc = false } = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, resolve);
        if (!request(child, { type: "snapshot", id, reset, gc })) reject(new Error("the bench server is gone"));
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      request(child, { type: "stop" });
      // heaptrack writes its profile while the server exits.
      const timer = setTimeout(() => child.kill("SIGKILL"), options.heaptrackFile ? 300_000 : 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function request(child: ChildProcess, message: ServerRequest): boolean {
  return child.connected && child.send(message);
}
