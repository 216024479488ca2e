import { z } from "zod";
import { wholeNumber } from "../config-numbers.ts";

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

/** An MQTT topic prefix: one or more levels of letters, digits, _ . -, separated by / (no wildcards, no empty level). */
const topicPrefix = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, "must be topic levels of letters, digits, _ . - separated by / (like headcount or home/headcount)");

/**
 * The MQTT publisher's environment variables, spread into the one config
 * schema (`config.ts`); each is described in `.env.example`.
 */
export const mqttEnv = {
  HEADCOUNT_MQTT_URL: z.string().transform(parseMqttUrl).optional(),
  HEADCOUNT_MQTT_USERNAME: z.string().max(1024).optional(),
  HEADCOUNT_MQTT_PASSWORD: z.string().max(1024).optional(),
  HEADCOUNT_MQTT_CA_FILE: z.string().optional(),
  HEADCOUNT_MQTT_TOPIC_PREFIX: topicPrefix.default("headcount"),
  HEADCOUNT_MQTT_DISCOVERY: z.enum(["on", "off"]).default("on"),
  HEADCOUNT_MQTT_DISCOVERY_PREFIX: topicPrefix.default("homeassistant"),
  HEADCOUNT_MQTT_MAX_QUEUED: wholeNumber(1, 100_000).default(1000),
};

/** The MQTT variables as parsed by {@link mqttEnv}. */
type MqttEnv = z.output<z.ZodObject<typeof mqttEnv>>;

/** The checks across MQTT variables (a password needs a user, a CA file a TLS broker), for the schema's superRefine. */
export function checkMqttEnv(e: MqttEnv, ctx: z.RefinementCtx): void {
  if (e.HEADCOUNT_MQTT_PASSWORD !== undefined && e.HEADCOUNT_MQTT_USERNAME === undefined) {
    ctx.addIssue({ code: "custom", path: ["HEADCOUNT_MQTT_PASSWORD"], message: "needs HEADCOUNT_MQTT_USERNAME too" });
  }
  if (e.HEADCOUNT_MQTT_CA_FILE !== undefined && !e.HEADCOUNT_MQTT_URL?.startsWith("mqtts:")) {
    ctx.addIssue({ code: "custom", path: ["HEADCOUNT_MQTT_CA_FILE"], message: "is for a TLS broker: set HEADCOUNT_MQTT_URL to mqtts://host:8883" });
  }
}

/** The publisher's settings from the parsed environment, or null when HEADCOUNT_MQTT_URL is unset. */
export function mqttSettingsOf(e: MqttEnv): MqttSettings | null {
  return e.HEADCOUNT_MQTT_URL
    ? {
        url: e.HEADCOUNT_MQTT_URL,
        username: e.HEADCOUNT_MQTT_USERNAME,
        password: e.HEADCOUNT_MQTT_PASSWORD,
        caFile: e.HEADCOUNT_MQTT_CA_FILE,
        topicPrefix: e.HEADCOUNT_MQTT_TOPIC_PREFIX,
        discoveryPrefix: e.HEADCOUNT_MQTT_DISCOVERY === "on" ? e.HEADCOUNT_MQTT_DISCOVERY_PREFIX : null,
        maxQueued: e.HEADCOUNT_MQTT_MAX_QUEUED,
      }
    : null;
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
