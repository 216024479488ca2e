import assert from "node:assert/strict";
import { DomainError } from "../rpc/errors.ts";
import { contractTest, freshStore } from "./store-backends.fixture.ts";
import type { NewEvent } from "./store.ts";

/** One live session per camera, and killed replicas' sessions (Store.beat, Store.closeStaleReplicas), on SQLite and PostgreSQL. */

const ev = (kind: NewEvent["kind"], trackId: number, timeMs: number): NewEvent => ({ kind, trackId, timeMs });
const code = (expected: string, message?: RegExp) => (err: unknown) =>
  err instanceof DomainError && err.code === expected && (!message || message.test(err.message));

contractTest("the newest session holds its camera: the older one's batches are refused with ABORTED and nothing of them is stored", async (t, backend) => {
  const { store, location } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.upsertCamera("other", "", 0);
  assert.equal((await store.getCamera("cam"))?.liveSessionId, undefined, "no session holds a new camera");
  await store.openSession("old", "cam", 1_000, "replica-a");
  await store.appendEvents("cam", "old", [ev("entry", 1, 1_100)], 1);
  assert.equal((await store.getCamera("cam"))?.liveSessionId, "old");

  // Another process on the database (another replica) opens a session for the camera.
  const other = await backend.open(location);
  t.after(() => other.close());
  await other.openSession("new", "cam", 2_000, "replica-b");
  assert.equal((await store.getCamera("cam"))?.liveSessionId, "new");
  await assert.rejects(store.appendEvents("cam", "old", [ev("entry", 2, 2_100)], 2), code("ABORTED", /camera cam is now capturing from another session/));
  assert.deepEqual((await store.appendEvents("cam", "old", [ev("entry", 1, 1_100)], 1)).totals.entered, 1, "a retry of a batch stored before the takeover still answers");
  await other.appendEvents("cam", "new", [ev("entry", 7, 2_200)], 2);
  assert.deepEqual(
    (await store.events({ cameraId: "cam", limit: 10 })).events.map((e) => [e.sessionId, e.trackId]),
    [["new", 7], ["old", 1]],
    "the refused batch left nothing behind, and its seq is still free for nobody",
  );
  // The old session's end (its people in view exit) is still stored: totals stay a recount.
  const closed = await store.closeSession("old", 2_500, 2, [{ ...ev("exit", 1, 2_050), reason: "capture_stopped" }]);
  assert.deepEqual(closed?.totals, { entered: 2, exited: 1, crossedIn: 0, crossedOut: 0 });
  assert.equal((await store.getCamera("cam"))?.liveSessionId, "new", "closing the old session does not release the camera");
  assert.equal((await store.getCamera("other"))?.liveSessionId, undefined, "other cameras are not touched");
});

contractTest("a stale replica's open sessions close once as 'session_lost', and it no longer holds their cameras", async (t, backend) => {
  const { store, location } = await freshStore(t, backend);
  const other = await backend.open(location);
  t.after(() => other.close());
  await store.upsertCamera("cam", "", 0);
  await store.upsertCamera("quiet", "", 0);
  await store.beat("dead", 1_000);
  await store.beat("alive", 1_000);
  await store.openSession("killed", "cam", 1_000, "dead");
  await store.appendEvents("cam", "killed", [ev("entry", 1, 1_100), ev("entry", 2, 1_200)], 1);
  await store.appendEvents("cam", "killed", [ev("exit", 2, 1_300)], 2);
  await store.openSession("served", "quiet", 1_000, "alive");
  await store.beat("alive", 20_000);

  assert.deepEqual(await store.closeStaleReplicas("alive", 500), [], "nobody is stale yet");
  // Two replicas notice at once: each stale replica is closed by exactly one of them.
  const [a, b] = await Promise.all([store.closeStaleReplicas("alive", 15_000), other.closeStaleReplicas("third", 15_000)]);
  assert.deepEqual([...a, ...b], [{ sessionId: "killed", cameraId: "cam", closedAtMs: 1_300, exits: 1 }]);
  assert.deepEqual(await store.closeStaleReplicas("alive", 15_000), [], "the stale replica is forgotten");
  const cam = await store.getCamera("cam");
  assert.deepEqual(cam?.totals, { entered: 2, exited: 2, crossedIn: 0, crossedOut: 0 });
  assert.equal(cam?.liveSessionId, undefined, "the lost session no longer holds the camera");
  await assert.rejects(store.appendEvents("cam", "killed", [ev("entry", 3, 1_400)], 3), code("UNAVAILABLE", /closed as lost/));
  const sessions = await store.listSessions({ fromMs: 0, toMs: 99_000 });
  assert.deepEqual(sessions.map((s) => [s.sessionId, s.closedAtMs]), [["killed", 1_300], ["served", null]], "the live replica's session stays open");
  const { events } = await store.events({ cameraId: "cam", limit: 10 });
  assert.deepEqual(events.filter((e) => e.reason === "session_lost").map((e) => e.trackId), [1]);
});
