import { availableParallelism } from "node:os";
import { z } from "zod";
import { accessEnv, accessSettingsOf } from "./access/access-settings.ts";
import { decimalNumber, wholeNumber } from "./config-numbers.ts";
import { isPostgresUrl, parseOrigins, parsePublicUrl, parseUpstream } from "./config-urls.ts";
import { unbracketed } from "./host-port.ts";
import { motionEnv, motionSettingsOf } from "./motion/motion-settings.ts";
import { checkMqttEnv, mqttEnv, mqttSettingsOf } from "./mqtt/mqtt-settings.ts";
import type { ServerConfig } from "./server-config.ts";

export type { ServerConfig } from "./server-config.ts";
export type { MqttSettings } from "./mqtt/mqtt-settings.ts";

const PREFIX = "HEADCOUNT_";

const port = wholeNumber(0, 65535);
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
    ...accessEnv,
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
    ...mqttEnv,
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
    checkMqttEnv(e, ctx);
  });

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
    access: accessSettingsOf(e),
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
    mqtt: mqttSettingsOf(e),
    ...overrides,
  };
}
