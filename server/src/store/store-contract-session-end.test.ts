import assert from "node:assert/strict";
import { DomainError } from "../rpc/errors.ts";
import { contractTest, freshStore } from "./store-backends.fixture.ts";
import type { NewEvent } from "./store.ts";

/** Session-end exits (Store.closeSession, Store.closeLostSessions), on SQLite and PostgreSQL. */

const ev = (kind: NewEvent["kind"], trackId: number, timeMs: number, reason?: NewEvent["reason"]): NewEvent => ({ kind, trackId, timeMs, reason });
const stopped = (trackId: number, timeMs: number) => ev("exit", trackId, timeMs, "capture_stopped");

contractTest("a session's end is stored once, with the exits of the people it had in view, and the event log and totals show them", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.openSession("s", "cam", 1_000);
  await store.appendEvents("cam", "s", [ev("entry", 1, 2_000), ev("entry", 2, 2_100)]);
  await store.appendEvents("cam", "s", [ev("exit", 1, 3_000)]);
  const closed = await store.closeSession("s", 9_000, 40, [stopped(2, 3_500)]);
  assert.deepEqual(closed?.totals, { entered: 2, exited: 2, crossedIn: 0, crossedOut: 0 });
  assert.equal(await store.closeSession("s", 9_500, 41, [stopped(2, 3_500)]), null, "closed already: nothing is written twice");
  const { events } = await store.events({ cameraId: "cam", limit: 10 });
  assert.deepEqual(
    events.map((e) => [e.kind, e.trackId, e.timeMs, e.reason]),
    [["exit", 2, 3_500, "capture_stopped"], ["exit", 1, 3_000, null], ["entry", 2, 2_100, null], ["entry", 1, 2_000, null]],
  );
  assert.deepEqual((await store.listSessions({ cameraId: "cam", fromMs: 0, toMs: 99_000 }))[0], {
    sessionId: "s", cameraId: "cam", openedAtMs: 1_000, closedAtMs: 9_000, framesAcked: 40,
  });
  const [minute] = await store.series({ cameraId: "cam", fromMs: 0, toMs: 60_000, bucket: "minute" });
  assert.equal(minute?.exited, 2, "the exits are in the minute buckets too");
  await assert.rejects(
    store.appendEvents("cam", "s", [ev("entry", 3, 10_000, "capture_stopped")]),
    (err: unknown) => err instanceof DomainError && err.code === "INVALID_ARGUMENT" && /only an exit/.test(err.message),
  );
});

contractTest("at start, sessions a killed server left open are closed: their entered-but-not-exited tracks exit at their last stored event as 'session_lost'", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.upsertCamera("quiet", "", 0);
  await store.openSession("done", "cam", 500);
  await store.appendEvents("cam", "done", [ev("entry", 1, 600)]);
  await store.closeSession("done", 900, 5, [stopped(1, 700)]);
  await store.openSession("killed", "cam", 1_000);
  await store.appendEvents("cam", "killed", [ev("entry", 1, 1_100), ev("entry", 2, 1_200), ev("entry", 3, 1_300)]);
  await store.appendEvents("cam", "killed", [ev("exit", 2, 1_400), ev("cross_in", 3, 1_450)]);
  await store.openSession("killed-empty", "quiet", 2_000);

  const lost = await store.closeLostSessions();
  assert.deepEqual(lost, [
    { sessionId: "killed", cameraId: "cam", closedAtMs: 1_450, exits: 2 },
    { sessionId: "killed-empty", cameraId: "quiet", closedAtMs: 2_000, exits: 0 },
  ]);
  assert.deepEqual(await store.closeLostSessions(), [], "once");
  const cam = await store.getCamera("cam");
  assert.equal(cam?.totals.entered, cam?.totals.exited, "entered - exited is back to zero people in view");
  const { events } = await store.events({ cameraId: "cam", fromMs: 1_450, limit: 10 });
  assert.deepEqual(
    events.filter((e) => e.kind === "exit").map((e) => [e.trackId, e.timeMs, e.reason, e.sessionId]),
    [[3, 1_450, "session_lost", "killed"], [1, 1_450, "session_lost", "killed"]],
  );
  const sessions = await store.listSessions({ fromMs: 0, toMs: 99_000 });
  assert.deepEqual(sessions.map((s) => [s.sessionId, s.closedAtMs, s.framesAcked]), [["done", 900, 5], ["killed", 1_450, null], ["killed-empty", 2_000, null]]);
});
