import { performance } from "node:perf_hooks";
import { loadCamera } from "../camera/camera-loader.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { LiveFigures } from "../camera/remote-live.ts";
import type { Logger } from "../logger.ts";
import { PostgresNotifications } from "../store/postgres-notifications.ts";
import type { PostgresStore } from "../store/postgres-store.ts";
import type { Store, StoredCamera } from "../store/store.ts";

/** The database side of the sync (PostgresNotifications), as the sync uses it. */
export interface NotificationChannel {
  publishLive(payload: string): Promise<void>;
}

/** A live report on the wire: replica, camera, figures. */
interface LiveMessage {
  readonly replica: string;
  readonly cameraId: string;
  readonly live: LiveFigures;
}

/** Timing of the sync; tests may shorten it. */
export interface SyncTiming {
  /** Changed cameras are reloaded, and live figures published, at most this often (ms). */
  readonly flushMs: number;
  /** A camera with a session here is reported at least this often, so others see it still live (ms). */
  readonly heartbeatMs: number;
}

const DEFAULT_TIMING: SyncTiming = { flushMs: 250, heartbeatMs: 1_000 };

/**
 * Told of each camera row read back, with the session holding the camera and
 * when the read began (performance.now()): a session of it here that was
 * held before then and is not that one was taken over elsewhere.
 */
export type HolderSeen = (cameraId: string, liveSessionId: string, readAt: number) => void;

/**
 * Keeps this replica's camera registry in step with the others through the
 * shared database: a changed camera row (new camera, name, line, totals after
 * an append or reset, made anywhere) is reloaded from the store, coalesced
 * per camera; this replica's live figures (people in view, online, fps,
 * latency) of the cameras it has sessions of are published when they change,
 * at most every `flushMs` and at least every `heartbeatMs`, and the other
 * replicas' figures are merged into the registry.
 */
export class ReplicaSync {
  private readonly changed = new Set<string>();
  private readonly dirtyLive = new Set<string>();
  /** Cameras this replica has reported live, and when it last did. */
  private readonly reported = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private channel: NotificationChannel | undefined;
  private reloadAll = false;

  constructor(
    readonly replicaId: string,
    private readonly store: Store,
    private readonly cameras: CameraRegistry,
    private readonly log: Logger,
    private readonly timing: SyncTiming = DEFAULT_TIMING,
    private readonly holderSeen: HolderSeen = () => {},
  ) {
    this.unsubscribe = cameras.onChange((cameraId) => this.dirtyLive.add(cameraId));
    this.timer = setInterval(() => void this.flush(Date.now()), timing.flushMs);
    this.timer.unref();
  }

  /** Where live figures are published (set once the channel exists). */
  connect(channel: NotificationChannel): void {
    this.channel = channel;
  }

  /** A camera row changed somewhere: reload it at the next flush. */
  cameraChanged(cameraId: string): void {
    this.changed.add(cameraId);
  }

  /** (Re)listening: notifications may have been missed, so reload every camera at the next flush. */
  resync(): void {
    this.reloadAll = true;
  }

  /** A live report from the channel (this replica's own are ignored). */
  liveReceived(payload: string, nowMs = Date.now()): void {
    let message: LiveMessage;
    try {
      message = JSON.parse(payload) as LiveMessage;
    } catch {
      return;
    }
    if (message.replica === this.replicaId || typeof message.cameraId !== "string") return;
    this.cameras.applyRemoteLive(message.cameraId, message.replica, message.live, nowMs);
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
  }

  /** One round: reload changed cameras, publish changed or due live figures. */
  async flush(nowMs: number): Promise<void> {
    try {
      await this.reload();
      await this.publish(nowMs);
    } catch (err) {
      this.log.warn({ err }, "replica sync round failed; the next one retries");
    }
  }

  private async reload(): Promise<void> {
    if (this.reloadAll) {
      this.reloadAll = false;
      this.changed.clear();
      const readAt = performance.now();
      for (const camera of await this.store.listCameras()) await this.load(camera, readAt);
      return;
    }
    const ids = [...this.changed];
    this.changed.clear();
    for (const id of ids) {
      const readAt = performance.now();
      const camera = await this.store.getCamera(id);
      if (camera) await this.load(camera, readAt);
    }
  }

  private async load(camera: StoredCamera, readAt: number): Promise<void> {
    if (camera.liveSessionId) this.holderSeen(camera.cameraId, camera.liveSessionId, readAt);
    await loadCamera(this.store, this.cameras, camera, Date.now());
  }

  private async publish(nowMs: number): Promise<void> {
    if (!this.channel) return;
    const due = new Set(this.dirtyLive);
    this.dirtyLive.clear();
    for (const [id, at] of this.reported) if (nowMs - at >= this.timing.heartbeatMs) due.add(id);
    for (const cameraId of due) {
      const live = this.cameras.localLive(cameraId, nowMs);
      if (!live && !this.reported.has(cameraId)) continue;
      // A session that ended here is reported once as offline, so the others drop it at once.
      const figures = live ?? { online: false, inView: 0, ackedFps: 0, latencyMs: 0, lastSeenAtMs: 0 };
      if (live) this.reported.set(cameraId, nowMs);
      else this.reported.delete(cameraId);
      await this.channel.publishLive(JSON.stringify({ replica: this.replicaId, cameraId, live: figures } satisfies LiveMessage));
    }
  }
}

/** A running sync and its listening connection. */
export interface RunningSync {
  readonly sync: ReplicaSync;
  close(): Promise<void>;
}

/**
 * Starts syncing `cameras` with the other replicas on the PostgreSQL store:
 * listens on the database (see PostgresNotifications) and publishes through
 * the store's pool. Resolves once listening.
 */
export async function startReplicaSync(options: {
  readonly store: PostgresStore;
  readonly databaseUrl: string;
  readonly cameras: CameraRegistry;
  readonly log: Logger;
  readonly replicaId: string;
  readonly timing?: SyncTiming;
  readonly holderSeen?: HolderSeen;
  /** Areas were edited (here or on another replica), or notifications may have been missed: reload them. */
  readonly areasChanged?: () => void;
}): Promise<RunningSync> {
  const { log } = options;
  const sync = new ReplicaSync(options.replicaId, options.store, options.cameras, log, options.timing, options.holderSeen);
  let lostAtMs: number | null = null;
  const notifications = new PostgresNotifications(options.databaseUrl, options.store.pool, {
    onCamera: (cameraId) => sync.cameraChanged(cameraId),
    onLive: (payload) => sync.liveReceived(payload),
    onAreas: () => options.areasChanged?.(),
    onListening: () => {
      if (lostAtMs !== null) {
        log.info({ downMs: Date.now() - lostAtMs }, "listening to the other replicas again");
        options.areasChanged?.();
      }
      lostAtMs = null;
      sync.resync();
    },
    onError: (err) => {
      lostAtMs ??= Date.now();
      log.warn({ err }, "lost the connection that listens to the other replicas; retrying");
    },
  });
  sync.connect(notifications);
  await notifications.start();
  return {
    sync,
    async close() {
      sync.close();
      await notifications.close();
    },
  };
}
