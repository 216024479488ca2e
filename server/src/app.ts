import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import * as grpc from "@grpc/grpc-js";
import { AccessService as AccessServiceInfo } from "@headcount/proto/access";
import { AreaService as AreaServiceInfo } from "@headcount/proto/area";
import { CaptureService as CaptureServiceInfo } from "@headcount/proto/capture";
import { CountService as CountServiceInfo } from "@headcount/proto/count";
import { AccessControl } from "./access/access-control.ts";
import { writeLocalCaptureToken } from "./access/local-capture-token.ts";
import { AreaMonitor } from "./areas/area-monitor.ts";
import { loadCamera } from "./camera/camera-loader.ts";
import { CameraRegistry } from "./camera/camera-registry.ts";
import type { ServerConfig } from "./config.ts";
import { createPeopleCounter } from "./count/people-counter.ts";
import { startBrowserEdge, type BrowserEdge } from "./edge/browser-edge.ts";
import type { DeviceLinks } from "./edge/machine-addresses.ts";
import { hostPort } from "./host-port.ts";
import { createMetricsServer } from "./metrics/metrics-server.ts";
import { createServerMetrics } from "./metrics/server-metrics.ts";
import type { Logger } from "./logger.ts";
import { noCountPublisher, publishLostSessions, storeTellingPublisher, type CountPublisher } from "./mqtt/count-publisher.ts";
import { createMqttCountPublisher } from "./mqtt/mqtt-count-publisher.ts";
import { AlwaysDetectGate, FrameDifferenceGate, type MotionGate } from "./motion/motion-gate.ts";
import { FramePipeline } from "./pipeline/frame-pipeline.ts";
import type { TrackingFactory } from "./pipeline/session-tracking.ts";
import type { DetectorSpec } from "./pipeline/messages.ts";
import { createWorkerPool, type WorkerPool } from "./pipeline/worker-pool.ts";
import { AccessService } from "./rpc/access-service.ts";
import { AreaService } from "./rpc/area-service.ts";
import { CaptureService } from "./rpc/capture-service.ts";
import { CountService } from "./rpc/count-service.ts";
import { DomainError } from "./rpc/errors.ts";
import { adaptServiceWithStatus } from "./rpc/grpc-adapter.ts";
import { ReplicaHeartbeat } from "./replicas/replica-heartbeat.ts";
import { startReplicaSync, type HolderSeen } from "./replicas/replica-sync.ts";
import { metadataLimit } from "./rpc/metadata-limit.ts";
import { SessionRegistry } from "./session/session-registry.ts";
import { redact } from "./store/postgres-pool.ts";
import { openPostgresStore } from "./store/postgres-store.ts";
import { openSqliteStore } from "./store/sqlite-store.ts";
import type { Store } from "./store/store.ts";
import { createIouTracker } from "./track/iou-tracker.ts";

/** Stages that can be swapped in (tests, benchmarks); the defaults are the real ones. */
export interface ServerDeps {
  /** Model bytes for the mediapipe detector (main.ts resolves them from the config). */
  readonly model?: Uint8Array;
  /** The model's file name, shown in logs. */
  readonly modelName?: string;
  readonly tracking?: TrackingFactory;
}

/** A built, not yet listening, headcount server. */
export interface HeadcountServer {
  /** Binds the ports (0 picks free ones) and resolves with the ones bound. */
  listen(): Promise<{ grpcPort: number; grpcWebPort: number | null; httpsPort: number | null; metricsPort: number | null }>;
  /** Ends every session and stream, then closes ports and workers. */
  stop(): Promise<void>;
  readonly sessions: SessionRegistry;
  readonly cameras: CameraRegistry;
  readonly pipeline: FramePipeline;
  readonly pool: WorkerPool;
  readonly store: Store;
}

/** The largest message either port accepts: a frame of the largest allowed size plus its request's other fields. */
function maxReceiveBytes(config: ServerConfig): number {
  return config.limits.maxFrameBytes + 64 * 1024;
}

/** The tracker and counter of a camera, as configured (also what the accuracy replay runs). */
export function defaultTracking(config: ServerConfig): TrackingFactory {
  const everyCrossing = config.crossings === "every";
  return {
    createTracker: () => createIouTracker(),
    createCounter: (places) => createPeopleCounter({ places, everyCrossing }),
  };
}

/**
 * The one composition root: builds the worker pool, registries, pipeline and
 * services, and the native gRPC server plus the built-in gRPC-Web endpoint.
 * Only `main.ts` (and tests) call it; nothing listens until `listen()`.
 */
export async function createServer(config: ServerConfig, log: Logger, deps: ServerDeps = {}): Promise<HeadcountServer> {
  const detector: DetectorSpec = {
    kind: config.detector,
    model: deps.model,
    modelName: deps.modelName,
    scoreThreshold: config.scoreThreshold,
    maxResults: config.maxPeople,
    tiling: config.tiling,
  };
  const pool = await createWorkerPool({ size: config.workers, detector, maxPixels: config.limits.maxPixels, log });
  log.info({ detector: pool.detectorName, workers: config.workers, motionGate: config.motion.enabled ? "on" : "off" }, "frame workers ready");

  // PostgreSQL when several replicas share the history; otherwise the embedded SQLite file.
  const postgres = config.databaseUrl ? await openPostgresStore({ databaseUrl: config.databaseUrl }) : undefined;
  const store: Store = postgres ?? openSqliteStore({ dataDir: config.dataDir });
  const access = await AccessControl.create(config.access, store.access);
  // For a CLI sender on this machine (see local-capture-token.ts); never logged.
  if (config.access.captureAuth) log.info({ path: writeLocalCaptureToken(config.dataDir, access.localCaptureToken) }, "local capture token written");
  if (config.access.captureAuth && !config.access.viewerPassword) {
    log.warn("no HEADCOUNT_VIEWER_PASSWORD: anyone who can open the count page can watch counts and pair cameras");
  }
  // No session is open yet, so every session still open in the SQLite file was cut off (the server was killed).
  // Not on PostgreSQL: the other replicas' open sessions are live, and nothing yet tells a dead replica's apart.
  const lost = postgres ? [] : await store.closeLostSessions();
  if (lost.length > 0) {
    const exits = lost.reduce((n, s) => n + s.exits, 0);
    log.warn({ sessions: lost.length, exits }, "closed sessions the last run left open: the people they had in view exit as 'session lost'");
  }
  const cameras = new CameraRegistry();
  const startedAtMs = Date.now();
  for (const camera of await store.listCameras()) await loadCamera(store, cameras, camera, startedAtMs);
  const where = config.databaseUrl ? { database: redact(config.databaseUrl) } : { dataDir: config.dataDir };
  log.info({ ...where, cameras: cameras.list(Date.now()).length }, "history store open");
  // Areas count from the stored crossings of their entrance cameras, so they follow the registry.
  const areas = new AreaMonitor(store.areas, cameras);
  await areas.start();
  const reloadAreas = () => void areas.reload().catch((err: unknown) => log.warn({ err }, "could not reload the areas"));
  // Other replicas' camera changes and live figures (LISTEN/NOTIFY); one server on SQLite needs none.
  // Unique across restarts: a container restarted with the same hostname and pid must not inherit its dead predecessor's beat.
  const replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  // A session taken over on another replica ends here once its camera row says so (set once the sessions exist).
  let takeOver: HolderSeen = () => {};
  const holderSeen: HolderSeen = (cameraId, liveSessionId, readAt) => takeOver(cameraId, liveSessionId, readAt);
  const replicas = postgres ? await startReplicaSync({ store: postgres, databaseUrl: config.databaseUrl!, cameras, log, replicaId, holderSeen, areasChanged: reloadAreas }) : undefined;
  const metrics = createServerMetrics({
    // Read at scrape time, after `sessions` exists.
    openSessions: () => sessions.size,
    onlineCameras: () => cameras.list(Date.now()).filter((c) => c.online).length,
    workers: () => pool.stats(),
  });
  // Counts also go out over MQTT when configured: state from the registry's changes, events from the store's appends.
  const publisher: CountPublisher = config.mqtt
    ? createMqttCountPublisher({
        settings: config.mqtt,
        cameras,
        log,
        metrics: { eventsDropped: metrics.mqttEventsDropped, connected: metrics.mqttConnected },
      })
    : noCountPublisher;
  if (config.mqtt) log.info({ broker: config.mqtt.url, topicPrefix: config.mqtt.topicPrefix, discoveryPrefix: config.mqtt.discoveryPrefix }, "publishing counts over MQTT");
  cameras.onChange((cameraId) => publisher.cameraChanged(cameraId));
  // Every path that appends events (the pipeline's counts, the count page's resets, a session's closing exits) goes through this one.
  const publishingStore = storeTellingPublisher(store, publisher);
  await publishLostSessions(store, publisher, lost);
  // Beats before anything is served; the sessions of a replica that stopped beating are closed here, their exits published like a restart's.
  const heartbeat = postgres
    ? new ReplicaHeartbeat(replicaId, postgres, { staleMs: config.replicaStaleMs }, log, (closed) => publishLostSessions(store, publisher, closed))
    : undefined;
  await heartbeat?.start();
  const gate: MotionGate = config.motion.enabled ? new FrameDifferenceGate(config.motion) : new AlwaysDetectGate();
  const pipeline = new FramePipeline(pool, cameras, publishingStore, deps.tracking ?? defaultTracking(config), log, metrics, gate, (session, reason) =>
    sessions.close(session, reason),
  );
  const sessions = new SessionRegistry({
    maxSessions: config.limits.maxSessions,
    ackHistory: config.ackHistory,
    idleMs: config.sessionIdleMs,
    rate: config.limits,
    onClosed: (session) => {
      cameras.detachSession(session.cameraId, session.id);
      void pipeline.finish(session, Date.now());
      log.info({ sessionId: session.id, cameraId: session.cameraId }, "session closed");
    },
  });
  takeOver = (cameraId, liveSessionId, readAt) => sessions.takeOver(cameraId, liveSessionId, readAt);
  const sweeper = setInterval(() => sessions.sweep(Date.now()), Math.min(5_000, config.sessionIdleMs));
  sweeper.unref();

  const grpcServer = new grpc.Server({
    // Our own size check answers with a readable RESOURCE_EXHAUSTED; leave it room to run.
    "grpc.max_receive_message_length": maxReceiveBytes(config),
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    // Envoy's default cap on request headers (60 KiB); Node alone lets 64 KiB through.
    interceptors: [metadataLimit()],
  });
  grpcServer.addService(...adaptServiceWithStatus(CaptureServiceInfo, new CaptureService({ config, sessions, cameras, pipeline, store: publishingStore, access, replicaId, onFrameReceived: metrics.frameReceived }), log));
  grpcServer.addService(...adaptServiceWithStatus(CountServiceInfo, new CountService(cameras, publishingStore, access, (id) => sessions.find(id), areas), log));
  const defaultTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  grpcServer.addService(...adaptServiceWithStatus(AreaServiceInfo, new AreaService({ store: store.areas, monitor: areas, cameras, access, defaultTimeZone }), log));
  let edge: BrowserEdge | undefined;
  const noLinks: DeviceLinks = { baseUrl: "", caCertUrl: "" };
  grpcServer.addService(...adaptServiceWithStatus(AccessServiceInfo, new AccessService(access, cameras, store, () => edge?.links ?? noLinks), log));

  const metricsServer = config.metricsPort === null ? undefined : createMetricsServer(metrics.registry);

  return {
    sessions,
    cameras,
    pipeline,
    pool,
    store,
    async listen() {
      const grpcPort = await new Promise<number>((resolve, reject) =>
        grpcServer.bindAsync(hostPort(config.host, config.grpcPort), grpc.ServerCredentials.createInsecure(), (err, port) =>
          err ? reject(err) : resolve(port),
        ),
      );
      log.info({ host: config.host, port: grpcPort }, "native gRPC listening");
      let metricsPort: number | null = null;
      if (metricsServer) {
        await new Promise<void>((resolve, reject) => {
          metricsServer.once("error", reject);
          metricsServer.listen(config.metricsPort!, config.metricsHost, () => resolve());
        });
        metricsPort = (metricsServer.address() as AddressInfo).port;
        log.info({ host: config.metricsHost, port: metricsPort }, "metrics listening (GET /metrics)");
      }
      // The same cap as the native port's, so both transports accept the frames OpenSession advertises.
      edge = await startBrowserEdge({ config, grpcPort, maxRequestBytes: maxReceiveBytes(config), log });
      return { grpcPort, grpcWebPort: edge.grpcWebPort, httpsPort: edge.httpsPort, metricsPort };
    },
    async stop() {
      clearInterval(sweeper);
      metricsServer?.close();
      sessions.closeAll(new DomainError("UNAVAILABLE", "the server is stopping"));
      await edge?.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => grpcServer.forceShutdown(), 2_000);
        grpcServer.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      // Exits of the sessions just closed are stored before the store closes.
      await pipeline.finished();
      await pool.close();
      await publisher.close();
      areas.stop();
      await heartbeat?.stop();
      await replicas?.close();
      await store.close();
    },
  };
}
