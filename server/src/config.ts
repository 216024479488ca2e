import { availableParallelism } from "node:os";
import { z } from "zod";
import type { AccessSettings } from "./access/access-control.ts";
import { decimalNumber, wholeNumber } from "./config-numbers.ts";
import { unbracketed } from "./host-port.ts";
import { motionEnv, motionSettingsOf, type MotionSettings } from "./motion/motion-settings.ts";

const PREFIX = "HEADCOUNT_";

const port = wholeNumber(0, 65535);
/** An MQTT topic prefix: one or more levels of letters, digits, _ . -, separated by / (no wildcards, no empty level). */
const topicPrefix = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be topic levels of letters, digits, _ . - separated by / (like headcount or home/headcount)");

const PORT_OR_OFF = "must be a port number from 0 to 65535, or off";
/** The largest value a uint32 field of the contract (SessionLimits) can carry. */
const UINT32_MAX = 4_294_967_295;

/**
 * Every server setting, read from `HEADCOUNT_*` environment variables (see
 * `.env.example` at the repository root for each one with a comment).
 */
const envSchema = z
  .object({
    HEADCOUNT_HOST: z.string().min(1).default("0.0.0.0"),
    HEADCOUNT_GRPC_PORT: port.default(50051),
    HEADCOUNT_GRPC_WEB_PORT: port.default(8080),
    HEADCOUNT_GRPC_WEB: z.enum(["on", "off"]).default("on"),
    HEADCOUNT_GRPC_WEB_IDLE_TIMEOUT_MS: wholeNumber(1, 86_400_000, " (1 day)").default(60_000),
    HEADCOUNT_CORS_ORIGINS: z.string().transform(parseOrigins).optional(),
    HEADCOUNT_LAN_HTTPS_PORT: z.string().regex(/^(off|\d+)$/, PORT_OR_OFF).transform((v) => (v === "off" ? v : Number(v))).pipe(z.union([z.literal("off"), z.number().int().max(65535, PORT_OR_OFF)])).default(8443),
    HEADCOUNT_WEB_UPSTREAM: z.string().transform(parseUpstream).optional(),
    HEADCOUNT_PUBLIC_URL: z.string().transform(parsePublicUrl).optional(),
    HEADCOUNT_METRICS_PORT: port.default(9464),
    HEADCOUNT_METRICS: z.enum(["on", "off"]).default("on"),
    HEADCOUNT_METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    HEADCOUNT_CAPTURE_AUTH: z.enum(["on", "off"]).default("on"),
    HEADCOUNT_CAPTURE_TOKEN: z.string().min(16, "use at least 16 characters").max(512).regex(/^[A-Za-z0-9._~+/=-]+$/, "use letters, digits and . _ ~ + / = - only").optional(),
    HEADCOUNT_VIEWER_PASSWORD: z.string().min(8, "use at least 8 characters").max(1024).optional(),
    HEADCOUNT_VIEWER_SIGN_IN_DAYS: decimalNumber(0.01, 366).default(30),
    HEADCOUNT_DETECTOR: z.enum(["mediapipe", "none"]).default("mediapipe"),
    HEADCOUNT_MODEL: z.string().optional(),
    HEADCOUNT_MODEL_CACHE_DIR: z.string().default("data/models"),
    HEADCOUNT_MODEL_DOWNLOAD: z.enum(["on", "off"]).default("on"),
    HEADCOUNT_DATA_DIR: z.string().default("data"),
    HEADCOUNT_DATABASE_URL: z.string().refine(isPostgresUrl, "must be a URL like postgres://user:password@host:5432/headcount").optional(),
    HEADCOUNT_REPLICA_STALE_MS: wholeNumber(3_000, 600_000).default(15_000),
    HEADCOUNT_WORKERS: wholeNumber(1, 64).default(availableParallelism()),
    HEADCOUNT_SCORE_THRESHOLD: decimalNumber(0, 1).default(0.4),
    HEADCOUNT_TILING: z.enum(["on", "off"]).default("off"),
    HEADCOUNT_CROSSINGS: z.enum(["every", "once"]).default("every"),
    HEADCOUNT_MAX_PEOPLE: wholeNumber(1, 100).default(25),
    HEADCOUNT_MAX_FRAME_BYTES: wholeNumber(1, 64 * 1024 * 1024, " (64 MiB)").default(2 * 1024 * 1024),
    HEADCOUNT_MAX_PIXELS: wholeNumber(1, 16384 * 16384, " (16384 x 16384)").default(3840 * 2160),
    HEADCOUNT_MAX_FPS: wholeNumber(1, 120).default(30),
    HEADCOUNT_MAX_BYTES_PER_SECOND: wholeNumber(1, UINT32_MAX).default(8 * 1024 * 1024),
    HEADCOUNT_MAX_SESSIONS: wholeNumber(1, 10_000).default(64),
    HEADCOUNT_ACK_HISTORY: wholeNumber(1, 10_000).default(300),
    HEADCOUNT_SESSION_IDLE_MS: wholeNumber(1, 7 * 86_400_000, " (7 days)").default(60_000),
    HEADCOUNT_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    HEADCOUNT_MQTT_URL: z.string().transform(parseMqttUrl).optional(),
    HEADCOUNT_MQTT_USERNAME: z.string().max(1024).optional(),
    HEADCOUNT_MQTT_PASSWORD: z.string().max(1024).optional(),
    HEADCOUNT_MQTT_CA_FILE: z.string().optional(),
    HEADCOUNT_MQTT_TOPIC_PREFIX: topicPrefix.default("headcount"),
    HEADCOUNT_MQTT_DISCOVERY: z.enum(["on", "off"]).default("on"),
    HEADCOUNT_MQTT_DISCOVERY_PREFIX: topicPrefix.default("homeassistant"),
    HEADCOUNT_MQTT_MAX_QUEUED: wholeNumber(1, 100_000).default(1000),
    ...motionEnv,
  })
  .strict()
  .superRefine((e, ctx) => {
    // The per-second budget allows a burst of one second's worth: a larger frame could never be sent.
    if (e.HEADCOUNT_MAX_BYTES_PER_SECOND < e.HEADCOUNT_MAX_FRAME_BYTES) {
      ctx.addIssue({
        code: "custom",
        path: ["HEADCOUNT_MAX_BYTES_PER_SECOND"],
        message: `must be at least HEADCOUNT_MAX_FRAME_BYTES (${e.HEADCOUNT_MAX_FRAME_BYTES}), or frames of the largest allowed size could never be sent`,
      });
    }
    if (e.HEADCOUNT_MQTT_PASSWORD !== undefined && e.HEADCOUNT_MQTT_USERNAME === undefined) {
      ctx.addIssue({ code: "custom", path: ["HEADCOUNT_MQTT_PASSWORD"], message: "needs HEADCOUNT_MQTT_USERNAME too" });
    }
    if (e.HEADCOUNT_MQTT_CA_FILE !== undefined && !e.HEADCOUNT_MQTT_URL?.startsWith("mqtts:")) {
      ctx.addIssue({ code: "custom", path: ["HEADCOUNT_MQTT_CA_FILE"], message: "is for a TLS broker: set HEADCOUNT_MQTT_URL to mqtts://host:8883" });
    }
  });

/** postgres:// or postgresql:// with a host: what HEADCOUNT_DATABASE_URL accepts. */
function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * HEADCOUNT_MQTT_URL: mqtt://host[:port] or mqtts://host[:port]. Credentials
 * have their own settings, so the URL can appear in messages and logs.
 */
function parseMqttUrl(value: string, ctx: z.RefinementCtx): string {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== "mqtt:" && url.protocol !== "mqtts:") || !url.hostname) {
    ctx.addIssue({ code: "custom", message: "must be a broker address like mqtt://192.168.1.10:1883 or mqtts://broker.example:8883" });
  } else if (url.username || url.password) {
    ctx.addIssue({ code: "custom", message: "must not hold a user or password: use HEADCOUNT_MQTT_USERNAME and HEADCOUNT_MQTT_PASSWORD" });
  } else if ((url.pathname !== "" && url.pathname !== "/") || url.search || url.hash) {
    ctx.addIssue({ code: "custom", message: "must be just scheme://host[:port], without a path or query" });
  }
  return url ? `${url.protocol}//${url.host}` : value;
}

/**
 * HEADCOUNT_CORS_ORIGINS: "*", or a comma-separated list of origins as
 * browsers send them (scheme://host[:port], no path). An entry that can never
 * match would lock browsers out with nothing but a CORS error on the page.
 */
function parseOrigins(value: string, ctx: z.RefinementCtx): "*" | string[] {
  if (value === "*") return "*";
  const entries = value.split(",").map((o) => o.trim()).filter(Boolean);
  if (entries.length === 0) ctx.addIssue({ code: "custom", message: "list at least one origin, or * for any" });
  const origins: string[] = [];
  for (const entry of entries) {
    const origin = entry === "*" ? null : normalizeOrigin(entry);
    if (origin !== null) origins.push(origin);
    else if (entry === "*") ctx.addIssue({ code: "custom", message: "* allows any origin and cannot be combined with a list" });
    else ctx.addIssue({ code: "custom", message: `${JSON.stringify(entry)} is not an origin like https://count.example or http://192.168.1.20:3000` });
  }
  return origins;
}

/** HEADCOUNT_WEB_UPSTREAM: where the Next app listens, an http origin. */
function parseUpstream(value: string, ctx: z.RefinementCtx): string {
  const origin = normalizeOrigin(value);
  if (origin === null || !origin.startsWith("http:")) ctx.addIssue({ code: "custom", message: "must be an http origin like http://127.0.0.1:3000" });
  return origin ?? value;
}

/** HEADCOUNT_PUBLIC_URL: the origin other devices open, e.g. https://headcount.lan:8443. */
function parsePublicUrl(value: string, ctx: z.RefinementCtx): string {
  const origin = normalizeOrigin(value);
  if (origin === null) ctx.addIssue({ code: "custom", message: "must be an origin like https://headcount.lan:8443 (no path)" });
  return origin ?? value;
}

/** The origin as a browser sends it (lower-case, no default port), or null for anything else. */
function normalizeOrigin(entry: string): string | null {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // An Origin header never has a path, query or credentials.
  return url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password ? url.origin : null;
}

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

/** How the server publishes counts over MQTT (see server/src/mqtt/). */
export interface MqttSettings {
  /** mqtt://host:port or mqtts://host:port, without credentials. */
  readonly url: string;
  readonly username: string | undefined;
  /** Never logged. */
  readonly password: string | undefined;
  /** A PEM file of the CA that signed an mqtts broker's certificate (else the system's CAs). */
  readonly caFile: string | undefined;
  /** Topics are `<topicPrefix>/<camera>/...`. */
  readonly topicPrefix: string;
  /** Home Assistant's discovery prefix, or null when discovery is off. */
  readonly discoveryPrefix: string | null;
  /** Count events waiting for the broker before the oldest are dropped. */
  readonly maxQueued: number;
}

/** Settings whose values never appear in an error message or a log. */
const SECRET_SETTINGS = new Set(["HEADCOUNT_CAPTURE_TOKEN", "HEADCOUNT_VIEWER_PASSWORD", "HEADCOUNT_MQTT_PASSWORD", "HEADCOUNT_DATABASE_URL"]);

function shown(name: string, value: string | undefined): string {
  if (SECRET_SETTINGS.has(name)) return `a value of ${value?.length ?? 0} characters, not shown`;
  // A rejected broker URL may carry a password: never echo what stands before an @.
  return JSON.stringify(name === "HEADCOUNT_MQTT_URL" ? value?.replace(/\/\/[^/]*@/, "//<credentials not shown>@") : value);
}

/** Thrown for a bad configuration; the message lists every problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads the configuration from environment variables. Unknown `HEADCOUNT_*`
 * variables are rejected (a typo must not be silently ignored); `overrides`
 * win over the environment (tests use them).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  // Blank means unset; values are trimmed, except secrets (spaces may be part of them).
  const ours = Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[0].startsWith(PREFIX) && entry[1] !== undefined && entry[1].trim() !== "")
      .map(([k, v]) => [k, SECRET_SETTINGS.has(k) ? v : v.trim()]),
  );
  const parsed = envSchema.safeParse(ours);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown setting(s) ${issue.keys.join(", ")} (see .env.example for the valid names)`
        : `${issue.path.join(".")}: ${issue.message} (got ${shown(String(issue.path[0]), ours[String(issue.path[0])])})`,
    );
    throw new ConfigError(`invalid configuration:\n  - ${lines.join("\n  - ")}`);
  }
  const e = parsed.data;
  return {
    host: unbracketed(e.HEADCOUNT_HOST),
    grpcPort: e.HEADCOUNT_GRPC_PORT,
    grpcWebPort: e.HEADCOUNT_GRPC_WEB === "on" ? e.HEADCOUNT_GRPC_WEB_PORT : null,
    grpcWebIdleTimeoutMs: e.HEADCOUNT_GRPC_WEB_IDLE_TIMEOUT_MS,
    metricsPort: e.HEADCOUNT_METRICS === "on" ? e.HEADCOUNT_METRICS_PORT : null,
    metricsHost: unbracketed(e.HEADCOUNT_METRICS_HOST),
    access: {
      captureAuth: e.HEADCOUNT_CAPTURE_AUTH === "on",
      captureToken: e.HEADCOUNT_CAPTURE_TOKEN,
      viewerPassword: e.HEADCOUNT_VIEWER_PASSWORD,
      viewerTokenTtlMs: Math.round(e.HEADCOUNT_VIEWER_SIGN_IN_DAYS * 86_400_000),
    },
    corsOrigins: e.HEADCOUNT_CORS_ORIGINS ?? null,
    lanHttpsPort: e.HEADCOUNT_LAN_HTTPS_PORT === "off" ? null : e.HEADCOUNT_LAN_HTTPS_PORT,
    // `npm start` gives the web app and the server the same environment: PORT is the web app's.
    webUpstream: e.HEADCOUNT_WEB_UPSTREAM ?? `http://127.0.0.1:${/^\d{1,5}$/.test(env.PORT ?? "") ? env.PORT : 3000}`,
    publicUrl: e.HEADCOUNT_PUBLIC_URL,
    detector: e.HEADCOUNT_DETECTOR,
    modelPath: e.HEADCOUNT_MODEL,
    modelCacheDir: e.HEADCOUNT_MODEL_CACHE_DIR,
    modelDownload: e.HEADCOUNT_MODEL_DOWNLOAD === "on",
    dataDir: e.HEADCOUNT_DATA_DIR,
    databaseUrl: e.HEADCOUNT_DATABASE_URL,
    replicaStaleMs: e.HEADCOUNT_REPLICA_STALE_MS,
    workers: e.HEADCOUNT_WORKERS,
    scoreThreshold: e.HEADCOUNT_SCORE_THRESHOLD,
    tiling: e.HEADCOUNT_TILING === "on",
    crossings: e.HEADCOUNT_CROSSINGS,
    maxPeople: e.HEADCOUNT_MAX_PEOPLE,
    limits: {
      maxFrameBytes: e.HEADCOUNT_MAX_FRAME_BYTES,
      maxPixels: e.HEADCOUNT_MAX_PIXELS,
      maxFps: e.HEADCOUNT_MAX_FPS,
      maxBytesPerSecond: e.HEADCOUNT_MAX_BYTES_PER_SECOND,
      maxSessions: e.HEADCOUNT_MAX_SESSIONS,
      maxInFlight: 2,
    },
    ackHistory: e.HEADCOUNT_ACK_HISTORY,
    sessionIdleMs: e.HEADCOUNT_SESSION_IDLE_MS,
    logLevel: e.HEADCOUNT_LOG_LEVEL,
    motion: motionSettingsOf(e),
    mqtt: e.HEADCOUNT_MQTT_URL
      ? {
          url: e.HEADCOUNT_MQTT_URL,
          username: e.HEADCOUNT_MQTT_USERNAME,
          password: e.HEADCOUNT_MQTT_PASSWORD,
          caFile: e.HEADCOUNT_MQTT_CA_FILE,
          topicPrefix: e.HEADCOUNT_MQTT_TOPIC_PREFIX,
          discoveryPrefix: e.HEADCOUNT_MQTT_DISCOVERY === "on" ? e.HEADCOUNT_MQTT_DISCOVERY_PREFIX : null,
          maxQueued: e.HEADCOUNT_MQTT_MAX_QUEUED,
        }
      : null,
    ...overrides,
  };
}
