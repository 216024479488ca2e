import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ChannelCredentials } from "@grpc/grpc-js";
import { AccessServiceClient } from "@headcount/proto/access-client";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import { GrpcTransport } from "@protobuf-ts/grpc-transport";
import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";
import { createServer, type HeadcountServer, type ServerDeps } from "../../server/src/app.ts";
import { loadConfig, type ServerConfig } from "../../server/src/config.ts";
import { createLogger, type Logger } from "../../server/src/logger.ts";
import { autoCredentials, TEST_CAPTURE_TOKEN } from "./auto-credentials.ts";
import { testModelPath } from "./paths.ts";

/** A real headcount server on 127.0.0.1, ports picked by the OS, with real clients. */
export interface TestServer {
  readonly server: HeadcountServer;
  readonly config: ServerConfig;
  readonly grpcPort: number;
  readonly grpcWebUrl: string;
  /** The LAN https origin's port, when the test switched it on (config.lanHttpsPort: 0). */
  readonly httpsPort: number | null;
  /** http://127.0.0.1:PORT/metrics */
  readonly metricsUrl: string;
  /**
   * Native gRPC (HTTP/2) clients. Like `web()`, they send the shared capture
   * token and each session's token by themselves (see auto-credentials.ts).
   */
  readonly native: { capture: CaptureServiceClient; count: CountServiceClient; access: AccessServiceClient; transport: GrpcTransport };
  /** gRPC-Web clients through the built-in endpoint, as a browser would use it. */
  web(format?: "binary" | "text"): { capture: CaptureServiceClient; count: CountServiceClient; access: AccessServiceClient };
  /** Clients that send no credential unless the test passes one (access-control tests). */
  readonly bare: {
    native: { capture: CaptureServiceClient; count: CountServiceClient; access: AccessServiceClient };
    web(format?: "binary" | "text"): { capture: CaptureServiceClient; count: CountServiceClient; access: AccessServiceClient };
  };
  stop(): Promise<void>;
}

/** Options for {@link startTestServer}. */
export interface TestServerOptions {
  readonly detector?: "none" | "mediapipe";
  readonly config?: Partial<ServerConfig>;
  readonly deps?: ServerDeps;
  /** A logger to use instead of the silent one (tests that read the logs). */
  readonly log?: Logger;
}

/**
 * Builds and starts the real server exactly as main.ts does, but on port 0,
 * bound to 127.0.0.1, logging only when HEADCOUNT_TEST_LOG is set.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const detector = options.detector ?? "none";
  // A private data directory per server, unless the test restarts on a given one.
  const ownDataDir = options.config?.dataDir ? undefined : mkdtempSync(join(tmpdir(), "headcount-test-data-"));
  const config = loadConfig(
    {},
    {
      host: "127.0.0.1",
      grpcPort: 0,
      grpcWebPort: 0,
      // Off unless a test asks for it (0: a free port): it makes a CA in the data directory.
      lanHttpsPort: null,
      metricsPort: 0,
      metricsHost: "127.0.0.1",
      detector,
      workers: detector === "none" ? 1 : 2,
      dataDir: ownDataDir,
      access: { captureAuth: true, captureToken: TEST_CAPTURE_TOKEN, viewerPassword: undefined, viewerTokenTtlMs: 86_400_000 },
      ...options.config,
    },
  );
  const log = options.log ?? createLogger((process.env.HEADCOUNT_TEST_LOG as "debug" | undefined) ?? "silent");
  const model = detector === "mediapipe" ? new Uint8Array(readFileSync(testModelPath)) : undefined;
  const server = await createServer(config, log, { model, modelName: basename(testModelPath, ".tflite"), ...options.deps });
  const { grpcPort, grpcWebPort, httpsPort, metricsPort } = await server.listen();
  const interceptors = [autoCredentials(config.access.captureToken)];
  const transport = new GrpcTransport({ host: `127.0.0.1:${grpcPort}`, channelCredentials: ChannelCredentials.createInsecure(), interceptors });
  const bareTransport = new GrpcTransport({ host: `127.0.0.1:${grpcPort}`, channelCredentials: ChannelCredentials.createInsecure() });
  const grpcWebUrl = `http://127.0.0.1:${grpcWebPort}`;
  const clients = (t: GrpcTransport | GrpcWebFetchTransport) => ({ capture: new CaptureServiceClient(t), count: new CountServiceClient(t), access: new AccessServiceClient(t) });
  return {
    server,
    config,
    grpcPort,
    grpcWebUrl,
    httpsPort,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    native: { ...clients(transport), transport },
    web(format = "binary") {
      return clients(new GrpcWebFetchTransport({ baseUrl: grpcWebUrl, format, interceptors }));
    },
    bare: {
      native: clients(bareTransport),
      web: (format = "binary") => clients(new GrpcWebFetchTransport({ baseUrl: grpcWebUrl, format })),
    },
    async stop() {
      transport.close();
      bareTransport.close();
      await server.stop();
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
    },
  };
}
