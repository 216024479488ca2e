import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { everyFrameCountsAnEntry } from "../support/every-frame-counts.ts";
import { portAnswers, privatePrefixes, SHARED_BROKER_URL, startPrivateBroker, subscribe } from "../support/mqtt-broker.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort } from "../support/web-app.ts";
import { until } from "../support/waiting.ts";
import { loadConfig, type MqttSettings } from "../../server/src/config.ts";
import { createLogger, type Logger } from "../../server/src/logger.ts";

let jpeg: Buffer;
before(async () => {
  jpeg = extractJpegFrames(oneByOneVideo, { startS: 1, count: 1, fps: 1, width: 320 })[0]!;
  assert.ok(await portAnswers(1883), "Mosquitto must answer on 127.0.0.1:1883 (.ci/run starts it)");
});

const servers: TestServer[] = [];
after(async () => {
  for (const s of [...servers]) await stopServer(s);
});

async function stopServer(ts: TestServer): Promise<void> {
  servers.splice(servers.indexOf(ts), 1);
  await ts.stop();
}

/** A test server whose every processed frame counts one entry, publishing to `url`. */
async function serverPublishingTo(url: string, settings: Partial<MqttSettings> = {}, log?: Logger, tracking = everyFrameCountsAnEntry()): Promise<{ ts: TestServer; topicPrefix: string; discoveryPrefix: string }> {
  const prefixes = privatePrefixes();
  const mqtt: MqttSettings = { url, username: undefined, password: undefined, caFile: undefined, maxQueued: 1000, ...prefixes, ...settings };
  // The scripted tracker counts an entry on every frame of one unchanging JPEG, which the motion gate would skip as still.
  const motion = loadConfig({ HEADCOUNT_MOTION_GATE: "off" }, {}).motion;
  const ts = await startTestServer({ config: { mqtt, motion }, deps: { tracking }, log });
  servers.push(ts);
  return { ts, topicPrefix: mqtt.topicPrefix, discoveryPrefix: mqtt.discoveryPrefix ?? "" };
}

/** Uploads `count` frames on a new session of `cameraId`, each after the previous one's ack; returns the acks' entered totals. */
async function sendFrames(ts: TestServer, cameraId: string, count: number, cameraName = ""): Promise<number[]> {
  const capture = ts.native.capture;
  const { response: s } = await capture.openSession({ cameraId, cameraName });
  const abort = new AbortController();
  const acks: FrameAck[] = [];
  const call = capture.watchAcks({ sessionId: s.sessionId, resumeAfterSeq: 0 }, { abort: abort.signal });
  call.responses.onMessage((m) => m.ack && acks.push(m.ack));
  call.status.catch(() => {});
  try {
    for (let seq = 1; seq <= count; seq++) {
      await capture.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 320, height: 180 } });
      await until(() => acks.some((a) => a.seq === seq), `the ack of frame ${seq}`);
    }
  } finally {
    abort.abort();
  }
  return acks.filter((a) => a.status === FrameStatus.PROCESSED).map((a) => a.counts?.entered ?? -1);
}

test("MQTT: the exits a session's end stores are published as events, with their reason", async () => {
  const { ts, topicPrefix, discoveryPrefix } = await serverPublishingTo(SHARED_BROKER_URL, {}, undefined, everyFrameCountsAnEntry({ stillInViewAtClose: true }));
  const sub = await subscribe(SHARED_BROKER_URL, [`${topicPrefix}/#`, `${discoveryPrefix}/#`]);
  try {
    const capture = ts.web().capture;
    const { response: s } = await capture.openSession({ cameraId: "lobby", cameraName: "" });
    for (let seq = 1; seq <= 2; seq++) await capture.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 320, height: 180 } });
    await until(() => sub.on(`${topicPrefix}/lobby/event`).length >= 2, "the two entries");
    await capture.closeSession({ sessionId: s.sessionId });
    await until(() => sub.on(`${topicPrefix}/lobby/event`).length >= 4, "the two exits of the session's end");
    const events = sub.on(`${topicPrefix}/lobby/event`).map((p) => JSON.parse(p));
    assert.deepEqual(events.map((e) => [e.kind, e.track_id, e.reason]), [["entry", 1, null], ["entry", 2, null], ["exit", 1, "capture_stopped"], ["exit", 2, "capture_stopped"]]);
    assert.equal(events[3].totals.exited, 2);
    // Leave nothing retained on the shared broker.
    await stopServer(ts);
    await until(() => sub.on(`${topicPrefix}/status`).at(-1) === "offline", "offline on stop");
    for (const topic of new Set(sub.messages.filter((m) => !m.topic.endsWith("/event")).map((m) => m.topic))) {
      await sub.client.publishAsync(topic, "", { qos: 1, retain: true });
    }
  } finally {
    await sub.close();
  }
});

test("MQTT: discovery documents, retained state, one QoS 1 event per counted entry, and a reset, on the real Mosquitto", async () => {
  const { ts, topicPrefix, discoveryPrefix } = await serverPublishingTo(SHARED_BROKER_URL);
  const sub = await subscribe(SHARED_BROKER_URL, [`${topicPrefix}/#`, `${discoveryPrefix}/#`]);
  try {
    const entered = await sendFrames(ts, "door", 3, "Front door");
    assert.deepEqual(entered, [1, 2, 3]);
    await until(() => sub.on(`${topicPrefix}/door/event`).length >= 3, "three event messages");
    const events = sub.on(`${topicPrefix}/door/event`).map((p) => JSON.parse(p));
    assert.equal(events.length, 3, "exactly one message per counted entry");
    assert.deepEqual(events.map((e) => [e.kind, e.camera_id, e.track_id, e.totals.entered]), [["entry", "door", 1, 1], ["entry", "door", 2, 2], ["entry", "door", 3, 3]]);
    assert.ok(events[0].event_id < events[1].event_id && events[1].event_id < events[2].event_id, "event ids increase");
    assert.equal(new Date(events[0].time).getTime(), events[0].time_ms);
    assert.ok(sub.messages.filter((m) => m.topic.endsWith("/event")).every((m) => !m.retain), "events are not retained");

    await ts.native.count.resetCounts({ cameraId: "door" });
    await until(() => sub.on(`${topicPrefix}/door/event`).some((p) => JSON.parse(p).kind === "reset"), "a reset event");

    // A subscriber arriving now gets the current picture from retained messages alone.
    const late = await subscribe(SHARED_BROKER_URL, [`${topicPrefix}/#`, `${discoveryPrefix}/#`]);
    try {
      const stateTopic = `${topicPrefix}/door/state`;
      // The event goes out at once; the state within the coalescing interval (250 ms).
      await until(() => late.on(stateTopic).some((p) => JSON.parse(p).entered === 0) && late.on(`${topicPrefix}/status`).length > 0, "retained state after the reset, and server status");
      const state = JSON.parse(late.on(stateTopic).at(-1)!);
      assert.equal(state.camera_id, "door");
      assert.equal(state.name, "Front door");
      assert.equal(state.entered, 0, "the reset shows in the retained state");
      assert.equal(typeof state.reset_at, "string");
      assert.deepEqual(late.on(`${topicPrefix}/status`), ["online"]);
      assert.deepEqual(late.on(`${topicPrefix}/door/availability`), ["online"]);
      assert.equal(late.on(`${topicPrefix}/door/event`).length, 0, "events are not replayed to a new subscriber");

      const node = `${topicPrefix.replace(/[^a-zA-Z0-9_-]/g, "_")}_door`;
      const configTopic = `${discoveryPrefix}/sensor/${node}/entered/config`;
      await until(() => late.on(configTopic).length > 0 && late.on(`${discoveryPrefix}/binary_sensor/${node}/online/config`).length > 0, "discovery documents");
      const config = JSON.parse(late.on(configTopic).at(-1)!);
      assert.equal(config.state_topic, stateTopic);
      assert.equal(config.value_template, "{{ value_json.entered }}");
      assert.equal(config.unique_id, `${node}_entered`);
      assert.equal(config.state_class, "total_increasing");
      assert.equal(config.unit_of_measurement, "people");
      assert.deepEqual(config.availability.map((a: { topic: string }) => a.topic), [`${topicPrefix}/status`, `${topicPrefix}/door/availability`]);
      assert.equal(config.device.name, "Front door");
      assert.deepEqual(config.device.identifiers, [node]);
      // Once settled, the state and the discovery documents are what the broker retains.
      const settled = await subscribe(SHARED_BROKER_URL, [stateTopic, configTopic]);
      await until(() => settled.messages.length >= 2, "retained messages for a new subscriber");
      assert.ok(settled.messages.every((m) => m.retain), JSON.stringify(settled.messages.map((m) => [m.topic, m.retain])));
      await settled.close();
      const sensors = late.messages.filter((m) => m.topic.startsWith(`${discoveryPrefix}/sensor/${node}/`)).map((m) => m.topic.split("/")[3]);
      assert.deepEqual([...new Set(sensors)].sort(), ["crossed_in", "crossed_out", "entered", "exited", "in_view"]);

      // Stopping says so (retained), then the test removes what it left on the shared broker.
      await stopServer(ts);
      await until(() => late.on(`${topicPrefix}/status`).at(-1) === "offline" && late.on(`${topicPrefix}/door/availability`).at(-1) === "offline", "offline on stop");
      for (const topic of new Set(late.messages.filter((m) => !m.topic.endsWith("/event")).map((m) => m.topic))) {
        await late.client.publishAsync(topic, "", { qos: 1, retain: true });
      }
    } finally {
      await late.close();
    }
  } finally {
    await sub.close();
  }
});

test("MQTT: with the broker unreachable, counting goes on, acks keep flowing and events beyond the bound are dropped and counted", async () => {
  const closedPort = await freePort();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const password = "mqtt-test-password-never-logged";
  const { ts } = await serverPublishingTo(`mqtt://127.0.0.1:${closedPort}`, { maxQueued: 5, username: "hc", password }, createLogger("debug", sink));
  const frames = 20;
  const entered = await sendFrames(ts, "yard", frames);
  assert.deepEqual(entered, Array.from({ length: frames }, (_, i) => i + 1), "every frame counted and acked");
  const metrics = await (await fetch(ts.metricsUrl)).text();
  // 5 events are handed to MQTT.js's store (the window is at most HEADCOUNT_MQTT_MAX_QUEUED), 5 more wait: the 10 oldest of the rest are dropped.
  const dropped = Number(/^headcount_mqtt_events_dropped_total (\d+)/m.exec(metrics)?.[1]);
  assert.equal(dropped, frames - 10);
  assert.match(metrics, /^headcount_mqtt_connected 0$/m);
  assert.equal(lines.filter((l) => l.includes("MQTT broker unreachable")).length, 1, "said once per outage, not per retry");
  assert.ok(!lines.some((l) => l.includes(password)), "the password is never logged");
});

test("MQTT: across a broker restart no QoS 1 event is lost, counting goes on meanwhile, and retained messages are sent again", async () => {
  const broker = await startPrivateBroker();
  try {
    const { ts, topicPrefix, discoveryPrefix } = await serverPublishingTo(broker.url);
    // A persistent session (clean: false): the broker keeps what arrives for it while it is away, also across its restart.
    const node = `${topicPrefix}_hall`;
    const configTopic = `${discoveryPrefix}/sensor/${node}/in_view/config`;
    const sub = await subscribe(broker.url, [`${topicPrefix}/+/event`, configTopic], { clean: false, clientId: `headcount-test-sub-${topicPrefix}` });
    const enteredSeen = () => new Set(sub.on(`${topicPrefix}/hall/event`).map((p) => JSON.parse(p).totals.entered as number));
    try {
      assert.deepEqual(await sendFrames(ts, "hall", 3), [1, 2, 3]);
      await until(() => enteredSeen().size === 3, "the first three events");
      await until(() => sub.on(configTopic).length > 0, "the discovery document");
      // Gone from the broker (an empty retained message deletes it): only a republish on reconnect brings it back.
      await sub.client.publishAsync(configTopic, "", { qos: 1, retain: true });

      await broker.stop();
      await until(() => !sub.client.connected, "the subscriber to see the broker gone");
      assert.deepEqual(await sendFrames(ts, "hall", 5), [4, 5, 6, 7, 8], "counting goes on while the broker is down");
      await broker.start();

      await until(() => enteredSeen().size === 8, "all eight events after the restart", 20_000);
      assert.deepEqual([...enteredSeen()].sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
      const fresh = await subscribe(broker.url, [configTopic, `${topicPrefix}/hall/state`]);
      try {
        await until(() => fresh.on(configTopic).some((p) => p.length > 0), "the discovery document republished on reconnect", 20_000);
        await until(() => fresh.on(`${topicPrefix}/hall/state`).some((p) => JSON.parse(p).entered === 8), "the retained state with all eight");
      } finally {
        await fresh.close();
      }
      const metrics = await (await fetch(ts.metricsUrl)).text();
      assert.match(metrics, /^headcount_mqtt_events_dropped_total 0$/m);
    } finally {
      await sub.close();
    }
  } finally {
    await broker.dispose();
  }
});
