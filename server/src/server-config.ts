import type { AccessSettings } from "./access/access-control.ts";
import type { MotionSettings } from "./motion/motion-settings.ts";
import type { MqttSettings } from "./mqtt/mqtt-settings.ts";

/** The server's configuration, loaded once in `main.ts` and passed down. */
export interface ServerConfig {
  readonly host: string;
  /** Native gRPC port; 0 picks a free one (tests). */
  readonly grpcPort: number;
  /** Built-in gRPC-Web endpoint port, or null when switched off (Envoy in front). */
  readonly grpcWebPort: number | null;
  /** The built-in gRPC-Web endpoint ends a call on which nothing moves for this long (Envoy's stream_idle_timeout). */
  readonly grpcWebIdleTimeoutMs: number;
  /** Prometheus metrics port (GET /metrics), or null when switched off. */
  readonly metricsPort: number | null;
  /** Address the metrics port binds to (loopback unless an operator opens it). */
  readonly metricsHost: string;
  /** Who may capture and watch (see server/src/access/). */
  readonly access: AccessSettings;
  /** Origins allowed to call the gRPC-Web endpoint; "*" allows any; null: the web app's own origins. */
  readonly corsOrigins: readonly string[] | "*" | null;
  /** Port of the LAN https origin (pages and gRPC-Web, see server/src/edge/), or null when off. */
  readonly lanHttpsPort: number | null;
  /** The Next app the LAN https origin forwards pages to (an http origin). */
  readonly webUpstream: string;
  /** The origin other devices open (pairing links), when it is not this machine's LAN address. */
  readonly publicUrl: string | undefined;
  readonly detector: "mediapipe" | "none";
  readonly modelPath: string | undefined;
  readonly modelCacheDir: string;
  readonly modelDownload: boolean;
  readonly dataDir: string;
  /** A PostgreSQL database shared by several replicas; undefined: the embedded SQLite file in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** On PostgreSQL: a replica silent this long was killed; a live one closes its sessions (session_lost). It beats every third of this. */
  readonly replicaStaleMs: number;
  readonly workers: number;
  readonly scoreThreshold: number;
  /** Detect on two overlapping square tiles of wide frames: finds smaller people, at twice the cost. */
  readonly tiling: boolean;
  /** "every": each crossing counts (a dead band stops jitter); "once": at most once per direction per track. */
  readonly crossings: "every" | "once";
  readonly maxPeople: number;
  readonly limits: {
    readonly maxFrameBytes: number;
    readonly maxPixels: number;
    readonly maxFps: number;
    /** Sustained upload volume per session (one second's worth may come at once). */
    readonly maxBytesPerSecond: number;
    readonly maxSessions: number;
    /** Uploads a browser may keep in flight (the page's window). */
    readonly maxInFlight: number;
  };
  /** Acks each session keeps for a resuming WatchAcks. */
  readonly ackHistory: number;
  /** A session with no upload and no watcher for this long is closed. */
  readonly sessionIdleMs: number;
  readonly logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** Motion-gated detection (see server/src/motion/). */
  readonly motion: MotionSettings;
  /** Publishing counts to an MQTT broker (Home Assistant), or null when HEADCOUNT_MQTT_URL is unset. */
  readonly mqtt: MqttSettings | null;
}
