import pg from "pg";
import { CHANNELS, NOTIFY_SQL } from "./postgres-queries.ts";

/** What a replica hears from the database. */
export interface NotificationHandlers {
  /** A camera's row changed (any replica, or this one). */
  onCamera(cameraId: string): void;
  /** A replica's live figures (JSON as published). */
  onLive(payload: string): void;
  /** An area or its entrances changed (any replica, or this one). */
  onAreas(): void;
  /**
   * The listening connection was (re)made: notifications sent while it was
   * down are lost, so whatever they would have refreshed must be reloaded.
   */
  onListening(): void;
  /** The listening connection failed; it is retried. */
  onError(err: Error): void;
}

/** How long to wait before listening again after the connection is lost. */
const RECONNECT_MS = 1_000;

/**
 * LISTEN/NOTIFY on the shared database: one dedicated connection listens (a
 * pooled one cannot: LISTEN belongs to its session), and publishing goes
 * through the store's pool. The listener reconnects by itself.
 */
export class PostgresNotifications {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly pool: pg.Pool,
    private readonly handlers: NotificationHandlers,
  ) {}

  /** Resolves once listening (the first time); later losses reconnect in the background. */
  async start(): Promise<void> {
    await this.listen();
  }

  /** Publishes live figures to every replica (this one hears them too). */
  async publishLive(payload: string): Promise<void> {
    await this.pool.query(NOTIFY_SQL, [CHANNELS.live, payload]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: "headcount-listen", connectionTimeoutMillis: 10_000 });
    this.client = client;
    client.on("notification", (n) => {
      if (n.channel === CHANNELS.camera && n.payload) this.handlers.onCamera(n.payload);
      else if (n.channel === CHANNELS.live && n.payload) this.handlers.onLive(n.payload);
      else if (n.channel === CHANNELS.areas) this.handlers.onAreas();
    });
    const lost = (err: Error) => {
      if (this.closed || this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => {});
      this.handlers.onError(err);
      this.retry = setTimeout(() => this.listen().catch((e: unknown) => lost(e as Error)), RECONNECT_MS);
      this.retry.unref();
    };
    client.on("error", lost);
    client.on("end", () => lost(new Error("the listening connection ended")));
    await client.connect();
    await client.query(`LISTEN ${CHANNELS.camera}; LISTEN ${CHANNELS.live}; LISTEN ${CHANNELS.areas}`);
    this.handlers.onListening();
  }
}
