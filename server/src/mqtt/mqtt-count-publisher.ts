import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect, type IClientOptions } from "mqtt";
import type { MqttSettings } from "./mqtt-settings.ts";
import type { CameraStateSource, CountPublisher } from "./count-publisher.ts";
import { countTopics, eventDocuments, OFFLINE, ONLINE, placeStateDocuments, stateDocument } from "./count-topics.ts";
import { discoveryMessages } from "./ha-discovery.ts";
import { placeDiscoveryMessages } from "./ha-place-discovery.ts";
import { MqttOutbox } from "./mqtt-outbox.ts";

/** Where the publisher reports its connection. */
export interface MqttPublisherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What the publisher tells the metrics. */
export interface MqttPublisherMetrics {
  eventsDropped(count: number): void;
  connected(up: boolean): void;
}

/** Options for {@link createMqttCountPublisher}. */
export interface MqttPublisherOptions {
  readonly settings: MqttSettings;
  readonly cameras: CameraStateSource;
  readonly log: MqttPublisherLogger;
  readonly metrics: MqttPublisherMetrics;
  /** Least time between two state publishes; changes in between are coalesced. */
  readonly minIntervalMs?: number;
  /** How often every camera's state is compared with what was published (cameras go offline by staleness, not by a change). */
  readonly sweepMs?: number;
  /** Wait before each reconnect attempt. */
  readonly reconnectMs?: number;
}

/** Most events handed to MQTT.js at once (in flight, or in its outgoing store while offline); at most HEADCOUNT_MQTT_MAX_QUEUED. */
const EVENT_WINDOW = 64;
/** How long close() waits for the broker to acknowledge what is left. */
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * Publishes counts to an MQTT broker through MQTT.js: per camera a retained
 * state document and availability, one QoS 1 message per counted event, the
 * server's own availability (the last will says "offline"), and Home
 * Assistant discovery documents. Connecting, reconnecting and the broker's
 * pace never reach the caller: everything goes through a bounded outbox.
 */
export function createMqttCountPublisher(options: MqttPublisherOptions): CountPublisher {
  const { settings, cameras, log, metrics } = options;
  const minIntervalMs = options.minIntervalMs ?? 250;
  const topics = countTopics(settings.topicPrefix);
  const broker = settings.url;
  const clientOptions: IClientOptions = {
    clientId: `headcount-${randomBytes(6).toString("hex")}`,
    username: settings.username,
    password: settings.password,
    // Read at start: a wrong path stops the server with the file's error, not a TLS failure later.
    ca: settings.caFile ? readFileSync(settings.caFile) : undefined,
    will: { topic: topics.serverStatus, payload: Buffer.from(OFFLINE), qos: 1, retain: true },
    clean: true,
    reconnectPeriod: options.reconnectMs ?? 2_000,
    // Keep trying after a refusal too (a broker starting up may refuse users until its auth backend is ready).
    reconnectOnConnackError: true,
    connectTimeout: 10_000,
    // Nothing may queue inside MQTT.js beyond what the outbox hands it.
    queueQoSZero: false,
    resubscribe: false,
  };
  const client = connect(broker, clientOptions);
  const outbox = new MqttOutbox(client, { maxQueued: settings.maxQueued, window: Math.min(EVENT_WINDOW, settings.maxQueued) }, { eventsDropped: (n) => metrics.eventsDropped(n) });

  const dirty = new Set<string>();
  let lastFlush = 0;
  let flushTimer: NodeJS.Timeout | undefined;
  let outage = false;
  /** Each camera's retained line and zone topics (states and discovery) as last set, so a removed one is cleared. */
  const placeTopics = new Map<string, Set<string>>();

  /** Sets the retained topics of the cameras in `only` (or all) from the registry. */
  const flush = (only?: ReadonlySet<string>) => {
    lastFlush = Date.now();
    for (const view of cameras.list(lastFlush)) {
      if (only && !only.has(view.cameraId)) continue;
      const places = placeStateDocuments(view, topics);
      if (settings.discoveryPrefix) {
        const discovery = { discoveryPrefix: settings.discoveryPrefix, topicPrefix: settings.topicPrefix, topics };
        for (const m of discoveryMessages(discovery, view)) outbox.setRetained(m.topic, m.payload);
        places.push(...placeDiscoveryMessages(discovery, view));
      }
      for (const m of places) outbox.setRetained(m.topic, m.payload);
      outbox.setRetained(topics.availability(view.cameraId), view.online ? ONLINE : OFFLINE);
      outbox.setRetained(topics.state(view.cameraId), JSON.stringify(stateDocument(view)));
      // An empty retained message deletes a removed line's or zone's state and its Home Assistant entities.
      const now = new Set(places.map((m) => m.topic));
      for (const topic of placeTopics.get(view.cameraId) ?? []) if (!now.has(topic)) outbox.setRetained(topic, "");
      placeTopics.set(view.cameraId, now);
    }
  };
  const flushDirty = () => {
    flushTimer = undefined;
    const ids = new Set(dirty);
    dirty.clear();
    flush(ids);
  };
  const sweep = setInterval(() => flush(), options.sweepMs ?? 1_000);
  sweep.unref();

  client.on("connect", () => {
    metrics.connected(true);
    log.info({ broker, reconnected: outage }, "MQTT broker connected");
    outage = false;
    // Everything retained again first (a restarted broker may have lost it), then what changed meanwhile.
    outbox.connected();
    outbox.setRetained(topics.serverStatus, ONLINE);
    flush();
    // Home Assistant's birth message: a restarted Home Assistant gets discovery and state again (resubscribe is off: subscribe on every connect).
    if (settings.discoveryPrefix) client.subscribe(`${settings.discoveryPrefix}/status`, { qos: 1 });
  });
  client.on("message", (topic, payload) => {
    if (settings.discoveryPrefix && topic === `${settings.discoveryPrefix}/status` && payload.toString() === ONLINE) {
      log.info({ broker }, "Home Assistant came online: discovery and state published again");
      outbox.connected();
    }
  });
  client.on("close", () => metrics.connected(false));
  client.on("error", (err) => {
    // MQTT.js retries every reconnect period: say it once per outage.
    if (outage) return;
    outage = true;
    log.warn({ broker, err: err.message }, "MQTT broker unreachable or refusing; counting goes on, events wait (bounded) and state is sent on reconnect");
  });
  client.on("offline", () => {
    if (!outage) log.warn({ broker }, "MQTT broker connection lost; reconnecting");
    outage = true;
  });

  return {
    cameraChanged(cameraId) {
      dirty.add(cameraId);
      flushTimer ??= setTimeout(flushDirty, Math.max(0, lastFlush + minIntervalMs - Date.now()));
    },
    eventsStored(cameraId, sessionId, events, result) {
      try {
        for (const doc of eventDocuments(cameraId, sessionId, events, result)) outbox.addEvent(topics.event(cameraId), JSON.stringify(doc));
      } catch (err) {
        // Called from the store's append: a failure here must not look like a failed store.
        log.warn({ err, cameraId }, "could not queue count events for MQTT");
      }
    },
    async close() {
      clearInterval(sweep);
      clearTimeout(flushTimer);
      outbox.close();
      if (client.connected) {
        flush();
        // Sessions are closed by now: every camera is offline, and so is the server.
        for (const view of cameras.list(Date.now())) outbox.setRetained(topics.availability(view.cameraId), OFFLINE);
        outbox.setRetained(topics.serverStatus, OFFLINE);
        await outbox.drained(CLOSE_TIMEOUT_MS);
      }
      const left = outbox.pending;
      if (left.queued + left.inFlight > 0) log.warn({ broker, ...left }, "MQTT events not acknowledged at stop");
      await client.endAsync(!client.connected);
    },
  };
}
