import assert from "node:assert/strict";
import type { Line } from "../count/count-types.ts";
import { DomainError } from "../rpc/errors.ts";
import { contractTest, freshStore } from "./store-backends.fixture.ts";
import type { NewEvent, Store, StoredEvent } from "./store.ts";

/**
 * The Store contract: every case runs against the SQLite store and the
 * PostgreSQL store (see store-backends.fixture.ts).
 */

const ev = (kind: NewEvent["kind"], trackId: number, timeMs: number): NewEvent => ({ kind, trackId, timeMs });
const zero = { entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
const domainCode = (code: string) => (err: unknown) => err instanceof DomainError && err.code === code;

/** All events of the store, oldest append first, read through pages of `pageSize`. */
async function allEvents(store: Store, pageSize: number, cameraId?: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.events({ cameraId, limit: pageSize, cursor });
    out.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

contractTest("ensureCamera names only a camera it creates, and never renames one that exists", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  assert.equal((await store.ensureCamera("door", "Front door", 1_000)).name, "Front door");
  const again = await store.ensureCamera("door", "Back door", 2_000);
  assert.deepEqual([again.name, again.createdAtMs], ["Front door", 1_000]);
  assert.equal((await store.ensureCamera("hall", "", 3_000)).name, "hall", "unnamed: its id");
});

contractTest("cameras: created on first sight, renamed, given a line and listed by name", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  assert.deepEqual(await store.upsertCamera("cam-b", "", 1_000), {
    cameraId: "cam-b", name: "cam-b", line: null, lines: [], zones: [], totals: zero, resetAtMs: null, createdAtMs: 1_000,
  });
  await store.upsertCamera("cam-a", "Zebra door", 2_000);
  assert.equal((await store.upsertCamera("cam-a", "", 3_000)).name, "Zebra door", "an empty name keeps the old one");
  assert.equal((await store.upsertCamera("cam-a", "Back door", 3_000)).createdAtMs, 2_000);
  assert.equal((await store.renameCamera("cam-b", "Atrium")).name, "Atrium");

  const line: Line = { ax: 0.1, ay: 0.5, bx: 0.9, by: 0.45, inSideLeft: false };
  assert.deepEqual((await store.setLine("cam-a", line)).line, line);
  assert.deepEqual((await store.getCamera("cam-a"))?.line, line);
  assert.deepEqual((await store.listCameras()).map((c) => [c.cameraId, c.name]), [["cam-b", "Atrium"], ["cam-a", "Back door"]]);
  assert.equal((await store.setLine("cam-a", null)).line, null);

  assert.equal(await store.getCamera("nope"), null);
  await assert.rejects(store.renameCamera("nope", "x"), domainCode("NOT_FOUND"));
  await assert.rejects(store.setLine("nope", null), domainCode("NOT_FOUND"));
  await assert.rejects(store.renameCamera("cam-a", "  "), domainCode("INVALID_ARGUMENT"));
  await assert.rejects(store.setLine("cam-a", { ...line, ax: Number.NaN }), domainCode("INVALID_ARGUMENT"));
});

contractTest("sessions: opened, closed and listed by the time range they overlap", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.upsertCamera("other", "", 0);
  await store.openSession("s1", "cam", 1_000);
  await store.openSession("s2", "cam", 5_000);
  await store.openSession("s3", "other", 6_000);
  assert.deepEqual((await store.closeSession("s1", 4_000, 30))?.totals, zero);
  assert.equal(await store.closeSession("missing", 4_000, 1), null);
  await assert.rejects(store.openSession("s1", "cam", 9_000), domainCode("ALREADY_EXISTS"));
  await assert.rejects(store.openSession("s9", "nope", 9_000), domainCode("NOT_FOUND"));
  await assert.rejects(store.appendEvents("other", "s1", [ev("entry", 1, 2_000)]), domainCode("INVALID_ARGUMENT"));
  await assert.rejects(store.appendEvents("cam", "s404", [ev("entry", 1, 2_000)]), domainCode("NOT_FOUND"));

  assert.deepEqual(await store.listSessions({ cameraId: "cam", fromMs: 4_500, toMs: 99_000 }), [
    { sessionId: "s2", cameraId: "cam", openedAtMs: 5_000, closedAtMs: null, framesAcked: null },
  ]);
  assert.deepEqual((await store.listSessions({ fromMs: 0, toMs: 5_500 })).map((s) => s.sessionId), ["s1", "s2"]);
  assert.deepEqual((await store.listSessions({ cameraId: "cam", fromMs: 0, toMs: 99_000 }))[0], {
    sessionId: "s1", cameraId: "cam", openedAtMs: 1_000, closedAtMs: 4_000, framesAcked: 30,
  });
});

contractTest("the camera list says when each camera was last seen: its last counted event or the end of its last session, not a reset", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.upsertCamera("never", "", 0);
  const lastSeen = async () => Object.fromEntries((await store.listCameras()).map((c) => [c.cameraId, c.lastSeenAtMs]));
  assert.deepEqual(await lastSeen(), { cam: null, never: null });
  await store.openSession("s1", "cam", 1_000);
  await store.appendEvents("cam", "s1", [ev("entry", 1, 2_000)]);
  assert.deepEqual(await lastSeen(), { cam: 2_000, never: null }, "an open session and an event");
  await store.closeSession("s1", 9_000, 80);
  assert.deepEqual(await lastSeen(), { cam: 9_000, never: null }, "the session's end");
  await store.openSession("s2", "cam", 20_000);
  assert.deepEqual(await lastSeen(), { cam: 20_000, never: null }, "a session cut short by a crash: its start");
  await store.appendEvents("cam", "s2", [ev("exit", 1, 25_000)]);
  await store.appendEvents("cam", null, [ev("reset", 0, 50_000)]);
  assert.deepEqual(await lastSeen(), { cam: 25_000, never: null }, "a reset from the count page is not the camera");
});

contractTest("a batch is appended whole or not at all, and totals follow its events", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.openSession("s", "cam", 0);
  const first = await store.appendEvents("cam", "s", [ev("entry", 1, 100), ev("entry", 2, 100), ev("cross_in", 1, 100)]);
  assert.deepEqual(first.totals, { entered: 2, exited: 0, crossedIn: 1, crossedOut: 0 });
  assert.deepEqual(first.eventIds, [1, 2, 3]);
  await assert.rejects(store.appendEvents("cam", "s", [ev("exit", 1, 200), ev("exit", 2, 200.5)]), domainCode("INVALID_ARGUMENT"));
  await assert.rejects(store.appendEvents("cam", "s", [ev("exit", 1, 200), { kind: "wave" as "exit", trackId: 2, timeMs: 200 }]), domainCode("INVALID_ARGUMENT"));
  await assert.rejects(store.appendEvents("cam", "s", [ev("exit", -1, 200)]), domainCode("INVALID_ARGUMENT"));
  const empty = await store.appendEvents("cam", "s", []);
  assert.deepEqual(empty, { totals: first.totals, resetAtMs: null, places: { lines: [], zones: [] }, eventIds: [] });
  const second = await store.appendEvents("cam", "s", [ev("exit", 1, 300), ev("cross_out", 2, 300)]);
  assert.deepEqual(second.totals, { entered: 2, exited: 1, crossedIn: 1, crossedOut: 1 });
  assert.deepEqual(second.eventIds, [4, 5], "rejected batches left no rows behind");
  assert.deepEqual((await store.getCamera("cam"))?.totals, second.totals);
});

contractTest("after a restart the totals continue from the stored values and history is intact", async (t, backend) => {
  const dir = await backend.fresh(t);
  const before = await backend.open(dir);
  await before.upsertCamera("cam", "Door", 0);
  await before.setLine("cam", { ax: 0, ay: 0.5, bx: 1, by: 0.5, inSideLeft: true });
  await before.openSession("s1", "cam", 0);
  for (let i = 1; i <= 50; i++) await before.appendEvents("cam", "s1", [ev("entry", i, i * 1_000), ev("cross_in", i, i * 1_000 + 500)]);
  for (let i = 1; i <= 20; i++) await before.appendEvents("cam", "s1", [ev("exit", i, 60_000 + i * 1_000)]);
  const seriesBefore = await before.series({ fromMs: 0, toMs: 200_000, bucket: "minute" });
  // No close(): a killed process never gets to close the file.
  const after = await backend.open(dir);
  t.after(() => after.close());
  const cam = await after.getCamera("cam");
  assert.deepEqual(cam?.totals, { entered: 50, exited: 20, crossedIn: 50, crossedOut: 0 });
  assert.equal(cam?.name, "Door");
  assert.equal(cam?.line?.inSideLeft, true);
  assert.deepEqual(await after.series({ fromMs: 0, toMs: 200_000, bucket: "minute" }), seriesBefore);
  await after.openSession("s2", "cam", 100_000);
  const next = await after.appendEvents("cam", "s2", [ev("exit", 21, 101_000)]);
  assert.deepEqual(next.totals, { entered: 50, exited: 21, crossedIn: 50, crossedOut: 0 });
  assert.deepEqual(next.eventIds, [121], "ids continue after the 120 stored events");
  await before.close();
});

contractTest("a reset is an event: totals restart at zero, history and aggregates stay", async (t, backend) => {
  const dir = await backend.fresh(t);
  const store = await backend.open(dir);
  await store.upsertCamera("cam", "", 0);
  await store.openSession("s", "cam", 0);
  await store.appendEvents("cam", "s", [ev("entry", 1, 1_000), ev("entry", 2, 1_000)]);
  const reset = await store.appendEvents("cam", null, [ev("reset", 0, 2_000)]);
  assert.deepEqual(reset.totals, zero);
  assert.equal(reset.resetAtMs, 2_000);
  const mixed = await store.appendEvents("cam", "s", [ev("exit", 1, 3_000), ev("reset", 0, 3_000), ev("exit", 2, 3_000)]);
  assert.deepEqual(mixed.totals, { ...zero, exited: 1 }, "only what follows the reset in the batch counts");
  await store.close();

  const reopened = await backend.open(dir);
  t.after(() => reopened.close());
  assert.deepEqual(await reopened.getCamera("cam").then((c) => [c?.totals, c?.resetAtMs]), [{ ...zero, exited: 1 }, 3_000]);
  const log = await allEvents(reopened, 100);
  assert.deepEqual(log.map((e) => `${e.kind}:${e.sessionId}`).reverse(), ["entry:s", "entry:s", "reset:null", "exit:s", "reset:s", "exit:s"]);
  assert.deepEqual(await reopened.series({ fromMs: 0, toMs: 60_000, bucket: "minute" }), [
    { startMs: 0, entered: 2, exited: 2, crossedIn: 0, crossedOut: 0 },
  ]);
});

contractTest("the event log pages newest first, by time then id, without gaps or repeats", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("a", "", 0);
  await store.upsertCamera("b", "", 0);
  await store.openSession("sa", "a", 0);
  await store.openSession("sb", "b", 0);
  // Times repeat across batches and run backwards for camera b: order is by time, ties by id.
  for (let i = 0; i < 40; i++) {
    await store.appendEvents("a", "sa", [ev("entry", i, 10_000 + Math.floor(i / 3) * 1_000), ev("exit", i, 10_000 + Math.floor(i / 3) * 1_000)]);
    await store.appendEvents("b", "sb", [ev("cross_in", i, 90_000 - i * 500)]);
  }
  const all = await allEvents(store, 7);
  assert.equal(all.length, 120);
  assert.equal(new Set(all.map((e) => e.id)).size, 120);
  for (let i = 1; i < all.length; i++) {
    const [p, c] = [all[i - 1]!, all[i]!];
    assert.ok(p.timeMs > c.timeMs || (p.timeMs === c.timeMs && p.id > c.id), `order at ${i}`);
  }
  const onlyA = await allEvents(store, 1_000, "a");
  assert.deepEqual(onlyA, all.filter((e) => e.cameraId === "a"));
  const ranged = await store.events({ cameraId: "b", fromMs: 80_000, toMs: 85_000, limit: 100 });
  assert.deepEqual(ranged.events.map((e) => e.timeMs), [84_500, 84_000, 83_500, 83_000, 82_500, 82_000, 81_500, 81_000, 80_500, 80_000]);
  assert.equal(ranged.nextCursor, null);
  await assert.rejects(store.events({ limit: 0 }), domainCode("INVALID_ARGUMENT"));
  await assert.rejects(store.events({ limit: 5, cursor: "yesterday" }), domainCode("INVALID_ARGUMENT"));
});

contractTest("calls after close fail instead of silently doing nothing", async (t, backend) => {
  const store = await backend.open(await backend.fresh(t));
  await store.upsertCamera("cam", "", 0);
  await store.close();
  await store.close();
  await assert.rejects(store.listCameras(), /not open|after calling end/);
});

contractTest("a batch retried with its session and seq is stored once, even through another connection", async (t, backend) => {
  const { store, location } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.openSession("s", "cam", 0);
  const first = await store.appendEvents("cam", "s", [ev("entry", 1, 1_000), ev("cross_in", 1, 1_000)], 7);
  const { replayed, ...retried } = await store.appendEvents("cam", "s", [ev("entry", 1, 1_000), ev("cross_in", 1, 1_000)], 7);
  assert.deepEqual(retried, first, "the same ids and totals");
  assert.equal(replayed, true, "and it says it was a replay");
  assert.equal(first.replayed, undefined);
  // Another process on the same database (a replica after a failover) retries too.
  const other = await backend.open(location);
  t.after(() => other.close());
  assert.deepEqual((await other.appendEvents("cam", "s", [ev("entry", 1, 1_000), ev("cross_in", 1, 1_000)], 7)).eventIds, first.eventIds);
  const next = await store.appendEvents("cam", "s", [ev("exit", 1, 2_000)], 8);
  assert.deepEqual(next.totals, { entered: 1, exited: 1, crossedIn: 1, crossedOut: 0 });
  await store.openSession("s2", "cam", 0);
  assert.deepEqual((await store.appendEvents("cam", "s2", [ev("entry", 2, 2_000)], 7)).totals.entered, 2, "seq is per session");
  assert.equal((await allEvents(store, 100)).length, 4);
  assert.deepEqual(await store.series({ cameraId: "cam", fromMs: 0, toMs: 60_000, bucket: "minute" }), [
    { startMs: 0, entered: 2, exited: 1, crossedIn: 1, crossedOut: 0 },
  ]);
  const unkeyed = [await store.appendEvents("cam", "s2", [ev("exit", 3, 3_000)]), await store.appendEvents("cam", "s2", [ev("exit", 3, 3_000)])];
  assert.deepEqual(unkeyed.map((r) => r.totals.exited), [2, 3], "without a seq every append counts");
  await assert.rejects(store.appendEvents("cam", "s2", [ev("exit", 3, 3_000)], -1), domainCode("INVALID_ARGUMENT"));
  await assert.rejects(store.appendEvents("cam", "s2", [ev("exit", 3, 3_000)], 1.5), domainCode("INVALID_ARGUMENT"));
});

contractTest("pairings, secrets and the sign-in throttle are shared by every process on the database", async (t, backend) => {
  const { store: a, location } = await freshStore(t, backend);
  const b = await backend.open(location);
  t.after(() => b.close());
  await a.upsertCamera("cam", "", 0);
  await a.access.addPairing("cam", "ab".repeat(32), 1);
  assert.equal(await b.access.pairedCamera("ab".repeat(32)), "cam");
  assert.equal(await b.access.pairedCamera("cd".repeat(32)), null);
  await assert.rejects(b.access.addPairing("nope", "ef".repeat(32), 1), domainCode("NOT_FOUND"));
  assert.equal(await b.access.revokePairings("cam"), 1);
  assert.equal(await a.access.pairedCamera("ab".repeat(32)), null);

  const secrets = await Promise.all([a.access.secret("key", () => "from-a"), b.access.secret("key", () => "from-b")]);
  assert.equal(secrets[0], secrets[1], "concurrent first uses agree on one value");
  assert.equal(await b.access.secret("key", () => "again"), secrets[0]);

  const rate = { perSecond: 1, burst: 3 };
  const taken = await Promise.all([a, b, a, b].map((s) => s.access.takeToken("sign-in", rate, 10_000)));
  assert.deepEqual(taken.filter(Boolean).length, 3, "a burst of 3 across both");
  assert.equal(await a.access.takeToken("sign-in", rate, 10_500), false);
  assert.equal(await b.access.takeToken("sign-in", rate, 11_000), true, "one token a second flows back");
  assert.equal(await a.access.takeToken("other", rate, 11_000), true, "buckets are named");
});
