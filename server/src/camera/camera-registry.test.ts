import assert from "node:assert/strict";
import { test } from "node:test";
import { CameraRegistry } from "./camera-registry.ts";

const stored = { cameraId: "door", name: "Door", line: null, lines: [], zones: [], totals: { entered: 2, exited: 1, crossedIn: 0, crossedOut: 0 }, resetAtMs: null, createdAtMs: 0 };
const online = (r: CameraRegistry, nowMs: number) => r.list(nowMs).find((c) => c.cameraId === "door")?.online;

test("a camera is online while a session is attached and acks keep coming; a silent session (tab closed) shows offline after 10 s", () => {
  const r = new CameraRegistry();
  r.load(stored);
  assert.equal(online(r, 0), false);
  r.attachSession("door", "s1", 1_000);
  assert.equal(online(r, 1_000), true, "online at once, before its first ack");
  r.recordAck("door", 5_000, 40);
  assert.equal(online(r, 14_999), true);
  assert.equal(online(r, 15_000), false, "no ack for 10 s");
  r.recordAck("door", 16_000, 40);
  assert.equal(online(r, 16_000), true, "acks again");
  r.detachSession("door", "s1");
  assert.equal(online(r, 16_000), false, "no session");
});

test("last seen starts from the stored value after a restart, follows the acks, and a later refresh from the store never moves it back", () => {
  const r = new CameraRegistry();
  const lastSeen = () => r.list(0).find((c) => c.cameraId === "door")?.lastSeenAtMs;
  r.load({ ...stored, lastSeenAtMs: 9_000 });
  assert.equal(lastSeen(), 9_000, "from the store: the count page says when, not never");
  assert.equal(online(r, 9_500), false, "seen before the restart is not online");
  r.attachSession("door", "s1", 20_000);
  r.recordAck("door", 21_000, 40);
  assert.equal(lastSeen(), 21_000);
  r.load({ ...stored, name: "Front door" });
  r.load({ ...stored, lastSeenAtMs: 9_000 });
  assert.equal(lastSeen(), 21_000);
});

test("a reload older than the totals already applied (it raced an append) does not move them back; a reset does", () => {
  const r = new CameraRegistry();
  const totals = () => r.totalsOf("door");
  r.load(stored);
  r.attachSession("door", "s1", 0);
  r.applyFrame("door", "s1", 1, { entered: 3, exited: 1, crossedIn: 0, crossedOut: 0 });
  r.load(stored);
  assert.deepEqual(totals(), { inView: 1, entered: 3, exited: 1, crossedIn: 0, crossedOut: 0 }, "the older row is ignored");
  r.load({ ...stored, totals: { entered: 4, exited: 1, crossedIn: 0, crossedOut: 0 } });
  assert.equal(totals()?.entered, 4, "a newer row applies");
  r.load({ ...stored, totals: { entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 }, resetAtMs: 50 });
  assert.deepEqual(totals(), { inView: 1, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 }, "a reset starts again at zero");
});

test("in view adds only sessions that reported recently: a page restarted (its old session still open) does not add its last people to the new session's", () => {
  const r = new CameraRegistry();
  r.load(stored);
  r.attachSession("door", "old", 0);
  assert.equal(r.applyFrame("door", "old", 7, null, [], 1_000).inView, 7);
  // Stop and Start: a new session; the old one lingers until the idle timeout, silent.
  r.attachSession("door", "new", 2_000);
  assert.equal(r.applyFrame("door", "new", 3, null, [], 2_500).inView, 10, "both report within 3 s: two devices filming as one camera add up");
  assert.equal(r.applyFrame("door", "new", 3, null, [], 4_100).inView, 3, "the old session has been silent for over 3 s");
  assert.equal(r.list(4_100)[0]?.totals.inView, 3);
  assert.equal(r.list(7_200)[0]?.totals.inView, 0, "the count page's in view as of now: nobody reports anyone");
});
