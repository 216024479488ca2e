import assert from "node:assert/strict";
import { test } from "node:test";
import { MqttOutbox, type PublishingClient } from "./mqtt-outbox.ts";

/** A fake client (unit test of the outbox's bookkeeping): records publishes, acknowledges on demand. */
function fakeClient(connected: boolean) {
  const published: Array<{ topic: string; payload: string; retain: boolean; done: (err?: Error) => void }> = [];
  const client: PublishingClient & { connected: boolean } = {
    connected,
    publish(topic, payload, options, done) {
      published.push({ topic, payload, retain: options.retain, done });
    },
  };
  return { client, published };
}

test("events: at most `window` handed to the client, at most `maxQueued` waiting, the oldest dropped and counted", () => {
  const { client, published } = fakeClient(false);
  let dropped = 0;
  const outbox = new MqttOutbox(client, { maxQueued: 3, window: 2 }, { eventsDropped: (n) => (dropped += n) });
  for (let i = 1; i <= 8; i++) outbox.addEvent("t/event", String(i));
  // Handed over while offline too: MQTT.js keeps QoS 1 messages in its store until the broker has them.
  assert.deepEqual(published.map((p) => p.payload), ["1", "2"]);
  assert.equal(dropped, 3);
  assert.deepEqual(outbox.pending, { queued: 3, inFlight: 2 });
  published[0]!.done();
  published[1]!.done();
  assert.deepEqual(published.map((p) => p.payload), ["1", "2", "6", "7"], "3, 4 and 5 were the oldest waiting");
  assert.ok(published.every((p) => !p.retain));
});

test("retained: nothing while disconnected, only the latest payload per topic, everything again on every connect", () => {
  const { client, published } = fakeClient(false);
  const outbox = new MqttOutbox(client, { maxQueued: 10, window: 10 }, { eventsDropped: () => {} });
  outbox.setRetained("a/state", "1");
  outbox.setRetained("a/state", "2");
  outbox.setRetained("b/state", "x");
  assert.equal(published.length, 0);
  client.connected = true;
  outbox.connected();
  assert.deepEqual(published.map((p) => [p.topic, p.payload, p.retain]), [["a/state", "2", true], ["b/state", "x", true]]);
  // One in flight per topic: a newer payload waits for the ack, and only the newest goes.
  outbox.setRetained("a/state", "3");
  outbox.setRetained("a/state", "4");
  outbox.setRetained("b/state", "x");
  assert.equal(published.length, 2);
  published[0]!.done();
  assert.deepEqual(published.slice(2).map((p) => p.payload), ["4"]);
  published[1]!.done();
  published[2]!.done();
  // A reconnect (the broker may have lost them) sends every retained topic again.
  outbox.connected();
  assert.deepEqual(published.slice(3).map((p) => [p.topic, p.payload]), [["a/state", "4"], ["b/state", "x"]]);
});

test("a failed retained publish (connection closing) waits for the next connect instead of looping", () => {
  const { client, published } = fakeClient(true);
  client.publish = (topic, payload, options, done) => {
    published.push({ topic, payload, retain: options.retain, done });
    done(new Error("client disconnecting"));
  };
  const outbox = new MqttOutbox(client, { maxQueued: 10, window: 10 }, { eventsDropped: () => {} });
  outbox.setRetained("a/state", "1");
  assert.equal(published.length, 1);
  outbox.connected();
  assert.equal(published.length, 2);
});
