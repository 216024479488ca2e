import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { NamedLine, Zone } from "@headcount/proto/types";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { portAnswers, privatePrefixes, SHARED_BROKER_URL, subscribe } from "../support/mqtt-broker.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { until } from "../support/waiting.ts";
import type { MqttSettings } from "../../server/src/config.ts";
import type { CountEvent, CountResult, CountTotals } from "../../server/src/count/count-types.ts";
import type { TrackingFactory } from "../../server/src/pipeline/session-tracking.ts";

const door: NamedLine = { id: "door", name: "Door", line: { ax: 0.1, ay: 0.5, bx: 0.9, by: 0.5, inSideLeft: true } };
const queue: Zone = { id: "queue", name: "Queue", points: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }] };

/**
 * A fake counter (the tracking stages are not under test here): frame 1 counts
 * an entry, a crossing in by "door" and an enter into "queue"; frame 2 the
 * leave of "queue" after 1.5 s; later frames nothing.
 */
function scriptedPlaces(): TrackingFactory {
  return {
    createTracker: () => ({ update: (_d, timeMs) => ({ timeMs, tracks: [], confirmed: [], lost: [], assignments: [] }) }),
    createCounter: () => {
      const totals: CountTotals = { inView: 1, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
      let frame = 0;
      let enteredAt = 0;
      return {
        update(update): CountResult {
          frame++;
          const t = update.timeMs;
          const events: CountEvent[] = [];
          if (frame === 1) {
            enteredAt = t;
            totals.entered++;
            totals.crossedIn++;
            events.push({ kind: "entry", trackId: 1, timeMs: t }, { kind: "cross_in", trackId: 1, timeMs: t, lineId: "door" }, { kind: "zone_enter", trackId: 1, timeMs: t, zoneId: "queue" });
          } else if (frame === 2) {
            events.push({ kind: "zone_leave", trackId: 1, timeMs: enteredAt + 1500, zoneId: "queue", dwellMs: 1500 });
          }
          return { totals: { ...totals }, events, zones: [{ zoneId: "queue", occupancy: frame === 1 ? 1 : 0, longestWaitMs: 0 }] };
        },
        setPlaces: () => {},
        close: () => ({ totals: { ...totals, inView: 0 }, events: [], zones: [] }),
      };
    },
  };
}

let jpeg: Buffer;
let ts: TestServer;
let topicPrefix: string;
let discoveryPrefix: string;
before(async () => {
  jpeg = extractJpegFrames(oneByOneVideo, { startS: 1, count: 1, fps: 1, width: 320 })[0]!;
  assert.ok(await portAnswers(1883), "Mosquitto must answer on 127.0.0.1:1883 (.ci/run starts it)");
  const prefixes = privatePrefixes();
  ({ topicPrefix } = prefixes);
  discoveryPrefix = prefixes.discoveryPrefix;
  const mqtt: MqttSettings = { url: SHARED_BROKER_URL, username: undefined, password: undefined, caFile: undefined, maxQueued: 1000, ...prefixes };
  ts = await startTestServer({ config: { mqtt }, deps: { tracking: scriptedPlaces() } });
});
after(async () => {
  await ts?.stop();
});

test("MQTT: per line and zone retained state, discovery sensors, zone events with dwell; Home Assistant's birth message gets discovery again; a removed zone is cleared", async () => {
  const sub = await subscribe(SHARED_BROKER_URL, [`${topicPrefix}/#`, `${discoveryPrefix}/#`]);
  try {
    const capture = ts.native.capture;
    const { response: s } = await capture.openSession({ cameraId: "shop", cameraName: "" });
    await ts.native.count.setPlaces({ cameraId: "shop", lines: [door], zones: [queue] });
    for (let seq = 1; seq <= 2; seq++) await capture.uploadFrame({ sessionId: s.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 320, height: 180 } });
    await until(() => sub.on(`${topicPrefix}/shop/event`).length >= 4, "four events");

    const events = sub.on(`${topicPrefix}/shop/event`).map((p) => JSON.parse(p));
    assert.deepEqual(events.map((e) => [e.kind, e.line_id, e.zone_id, e.dwell_ms]), [
      ["entry", null, null, null], ["cross_in", "door", null, null], ["zone_enter", null, "queue", null], ["zone_leave", null, "queue", 1500],
    ]);
    const lastOf = (topic: string) => JSON.parse(sub.on(topic).at(-1) ?? "null");
    await until(() => lastOf(`${topicPrefix}/shop/zone/queue/state`)?.left === 1, "the zone's state after the leave");
    assert.deepEqual(lastOf(`${topicPrefix}/shop/line/door/state`), { camera_id: "shop", line_id: "door", name: "Door", crossed_in: 1, crossed_out: 0 });
    assert.deepEqual(lastOf(`${topicPrefix}/shop/zone/queue/state`), { camera_id: "shop", zone_id: "queue", name: "Queue", occupancy: 0, entered: 1, left: 1, longest_wait_s: 0 });

    const config = (key: string) => sub.messages.filter((m) => m.topic.startsWith(`${discoveryPrefix}/sensor/`) && m.topic.endsWith(`/${key}/config`));
    await until(() => config("zone_queue_occupancy").length >= 1 && config("line_door_crossed_in").length >= 1, "discovery of the line's and zone's sensors");
    const occupancy = JSON.parse(config("zone_queue_occupancy")[0]!.payload);
    assert.equal(occupancy.name, "Queue people in it");
    assert.equal(occupancy.state_topic, `${topicPrefix}/shop/zone/queue/state`);
    assert.equal(occupancy.value_template, "{{ value_json.occupancy }}");
    assert.equal(JSON.parse(config("zone_queue_longest_wait_s")[0]!.payload).device_class, "duration");

    // Home Assistant restarted: it says "online" and expects discovery again.
    const before = config("line_door_crossed_in").length;
    await sub.client.publishAsync(`${discoveryPrefix}/status`, "online", { qos: 1 });
    await until(() => config("line_door_crossed_in").length > before, "discovery published again after the birth message");

    await ts.native.count.setPlaces({ cameraId: "shop", lines: [door], zones: [] });
    await until(() => sub.on(`${topicPrefix}/shop/zone/queue/state`).at(-1) === "", "the removed zone's retained state cleared");
    await until(() => config("zone_queue_occupancy").at(-1)?.payload === "", "the removed zone's sensor removed from Home Assistant");
  } finally {
    // Leave nothing retained on the shared broker.
    await ts.stop();
    await until(() => sub.on(`${topicPrefix}/status`).at(-1) === "offline", "offline on stop");
    for (const topic of new Set(sub.messages.filter((m) => !m.topic.endsWith("/event")).map((m) => m.topic))) {
      await sub.client.publishAsync(topic, "", { qos: 1, retain: true });
    }
    await sub.close();
  }
});
