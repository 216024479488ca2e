import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoRoot, testModelPath } from "./paths.ts";
import { ChannelCredentials } from "@grpc/grpc-js";
import { AccessServiceClient } from "@headcount/proto/access-client";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import { GrpcTransport } from "@protobuf-ts/grpc-transport";
import { autoCredentials, TEST_CAPTURE_TOKEN } from "./auto-credentials.ts";

/** The real server as its own process (`server/src/main.ts`), for tests that kill it. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything it logged (JSON lines). */
  output(): string;
  /** Kills it with SIGKILL (no shutdown code runs) and waits for the exit. */
  kill(): Promise<void>;
  /** Stops it with SIGTERM and waits for a clean exit. */
  stop(): Promise<void>;
}

/** Options for {@link startServerProcess}. */
export interface ServerProcessOptions {
  readonly grpcPort: number;
  readonly grpcWebPort: number;
  readonly dataDir: string;
  readonly workers?: number;
  /** A PostgreSQL database shared with other replicas (HEADCOUNT_DATABASE_URL); default: SQLite in dataDir. */
  readonly databaseUrl?: string;
  /** The port of the web app its pages come from (its origin is then allowed by CORS). */
  readonly webPort?: number;
  /** More HEADCOUNT_* settings. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts main.ts on 127.0.0.1 with the test model and waits for "headcount server ready". */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "server/src/main.ts")], {
    cwd: repoRoot,
    env: {
      // The server rejects unknown HEADCOUNT_* names, so test-runner switches must not leak into it.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("HEADCOUNT_"))),
      HEADCOUNT_HOST: "127.0.0.1",
      HEADCOUNT_GRPC_PORT: String(options.grpcPort),
      HEADCOUNT_GRPC_WEB_PORT: String(options.grpcWebPort),
      HEADCOUNT_DATA_DIR: options.dataDir,
      HEADCOUNT_MODEL: testModelPath,
      HEADCOUNT_MODEL_DOWNLOAD: "off",
      HEADCOUNT_WORKERS: String(options.workers ?? 2),
      HEADCOUNT_LOG_LEVEL: "info",
      HEADCOUNT_METRICS: "off",
      HEADCOUNT_CAPTURE_TOKEN: TEST_CAPTURE_TOKEN,
      ...(options.databaseUrl ? { HEADCOUNT_DATABASE_URL: options.databaseUrl } : {}),
      // Never the fixed default port 8443; tests that need the LAN https origin use the in-process server.
      HEADCOUNT_LAN_HTTPS_PORT: "off",
      ...(options.webPort ? { HEADCOUNT_WEB_UPSTREAM: `http://127.0.0.1:${options.webPort}` } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!out.includes("headcount server ready")) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready:\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server was not ready within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Native gRPC clients of a server process, sending the test capture token and session tokens by themselves. */
export function processClients(grpcPort: number): { capture: CaptureServiceClient; count: CountServiceClient; access: AccessServiceClient; transport: GrpcTransport } {
  const transport = new GrpcTransport({
    host: `127.0.0.1:${grpcPort}`,
    channelCredentials: ChannelCredentials.createInsecure(),
    interceptors: [autoCredentials(TEST_CAPTURE_TOKEN)],
  });
  return { capture: new CaptureServiceClient(transport), count: new CountServiceClient(transport), access: new AccessServiceClient(transport), transport };
}
