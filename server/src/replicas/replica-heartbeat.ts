import type { Logger } from "../logger.ts";
import type { LostSession, Store } from "../store/store.ts";

/** How often a replica beats and looks for stale ones. */
export interface HeartbeatTiming {
  /** A replica silent this long was killed (ms). */
  readonly staleMs: number;
  /** Beat and look this often (ms); default a third of `staleMs`. */
  readonly beatMs?: number;
}

/**
 * This replica's heartbeat in the shared store, and the cleanup of killed
 * replicas: each round it beats, then closes the open sessions of every
 * replica whose beat is older than `staleMs` (the store makes that happen
 * once, whichever replicas look at the same time). Their people in view exit
 * as "session_lost", as a single server does at its next start.
 */
export class ReplicaHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();

  constructor(
    readonly replicaId: string,
    private readonly store: Pick<Store, "beat" | "closeStaleReplicas">,
    private readonly timing: HeartbeatTiming,
    private readonly log: Logger,
    /** Told the sessions a round closed (to publish their exits), after they are stored. */
    private readonly onClosed: (lost: readonly LostSession[]) => Promise<void> = async () => {},
  ) {}

  /** Beats once now (so this replica is known before it serves anything), then on a timer. */
  async start(): Promise<void> {
    await this.beat(Date.now());
    const every = this.timing.beatMs ?? Math.floor(this.timing.staleMs / 3);
    this.timer = setInterval(() => {
      this.round = this.beat(Date.now());
    }, every);
    this.timer.unref();
  }

  /** One round: beat, then close what stale replicas left open. Never rejects. */
  async beat(nowMs: number): Promise<void> {
    try {
      await this.store.beat(this.replicaId, nowMs);
      const lost = await this.store.closeStaleReplicas(this.replicaId, nowMs - this.timing.staleMs);
      if (lost.length > 0) {
        const exits = lost.reduce((n, s) => n + s.exits, 0);
        // Their cameras' rows changed: every replica hears of the new totals by the usual notification.
        this.log.warn({ sessions: lost.length, exits, cameras: [...new Set(lost.map((s) => s.cameraId))] }, "closed the sessions of a replica that stopped beating: the people they had in view exit as 'session lost'");
        await this.onClosed(lost);
      }
    } catch (err) {
      this.log.warn({ err }, "replica heartbeat round failed; the next one retries");
    }
  }

  /** Stops beating (the others close what this replica left open only if it was killed). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
  }
}
