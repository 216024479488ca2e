import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../store/sqlite-store.ts";
import type { NewEvent } from "../store/store.ts";
import { publishLostSessions, storeTellingPublisher, type CountPublisher } from "./count-publisher.ts";

test("the store told to a publisher keeps appends keyed by their frame seq: a retried batch is stored and published once", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "headcount-publisher-store-"));
  const store = openSqliteStore({ dataDir: dir });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // A fake publisher that records which batches it is told of.
  const told: number[][] = [];
  const fakePublisher: CountPublisher = { cameraChanged: () => {}, eventsStored: (_c, _s, _e, result) => told.push([...result.eventIds]), close: async () => {} };
  const publishing = storeTellingPublisher(store, fakePublisher);
  await publishing.upsertCamera("door", "", 0);
  await publishing.openSession("s", "door", 0);
  const entry: NewEvent = { kind: "entry", trackId: 1, timeMs: 10 };
  const first = await publishing.appendEvents("door", "s", [entry], 7);
  const again = await publishing.appendEvents("door", "s", [entry], 7);
  assert.deepEqual(again, { ...first, replayed: true }, "the retry answers with the first append's totals and ids");
  assert.equal((await store.getCamera("door"))?.totals.entered, 1);
  assert.deepEqual(told, [first.eventIds], "the replayed batch is not published again (MQTT subscribers would count it twice)");
});

test("a session's closing exits reach the publisher with the camera and the store's ids, once", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "headcount-publisher-store-"));
  const store = openSqliteStore({ dataDir: dir });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // A fake publisher that records what it is told.
  const told: Array<{ cameraId: string; kinds: string[]; reasons: Array<string | null | undefined>; eventIds: readonly number[] }> = [];
  const fakePublisher: CountPublisher = {
    cameraChanged: () => {},
    eventsStored: (cameraId, _session, events, result) => told.push({ cameraId, kinds: events.map((e) => e.kind), reasons: events.map((e) => e.reason), eventIds: result.eventIds }),
    close: async () => {},
  };
  const publishing = storeTellingPublisher(store, fakePublisher);
  await publishing.upsertCamera("door", "", 0);
  await publishing.openSession("s", "door", 0);
  await publishing.appendEvents("door", "s", [{ kind: "entry", trackId: 1, timeMs: 10 }], 1);
  const exit: NewEvent = { kind: "exit", trackId: 1, timeMs: 20, reason: "capture_stopped" };
  const closed = await publishing.closeSession("s", 30, 1, [exit]);
  assert.ok(closed);
  assert.equal(await publishing.closeSession("s", 40, 1, [exit]), null, "a session closes once");
  assert.deepEqual(told.map((e) => [e.cameraId, e.kinds, e.reasons]), [["door", ["entry"], [undefined]], ["door", ["exit"], ["capture_stopped"]]]);
  assert.deepEqual(told[1]!.eventIds, closed.eventIds);
});

test("the exits of the sessions a killed run left open ('session_lost') reach the publisher with their ids and the camera's totals", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "headcount-publisher-store-"));
  const store = openSqliteStore({ dataDir: dir });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.upsertCamera("door", "", 0);
  await store.openSession("s", "door", 0);
  await store.appendEvents("door", "s", [{ kind: "entry", trackId: 1, timeMs: 10 }, { kind: "entry", trackId: 2, timeMs: 10 }], 1);
  await store.appendEvents("door", "s", [{ kind: "exit", trackId: 1, timeMs: 50 }], 2);
  await store.openSession("quiet", "door", 60); // left open with nobody in view: nothing to publish
  const lost = await store.closeLostSessions();
  // A fake publisher that records what it is told.
  const told: Array<{ cameraId: string; sessionId: string | null; events: readonly NewEvent[]; exited: number; eventIds: readonly number[] }> = [];
  const fakePublisher: CountPublisher = {
    cameraChanged: () => {},
    eventsStored: (cameraId, sessionId, events, result) => told.push({ cameraId, sessionId, events, exited: result.totals.exited, eventIds: result.eventIds }),
    close: async () => {},
  };
  await publishLostSessions(store, fakePublisher, lost);
  const stored = (await store.events({ cameraId: "door", limit: 10 })).events.filter((e) => e.reason === "session_lost");
  assert.deepEqual(told, [{
    cameraId: "door", sessionId: "s", events: [{ kind: "exit", trackId: 2, timeMs: 50, reason: "session_lost" }], exited: 2, eventIds: stored.map((e) => e.id),
  }]);
});
