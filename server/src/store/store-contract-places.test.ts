import assert from "node:assert/strict";
import type { NamedLine, Zone } from "../count/count-types.ts";
import { DomainError } from "../rpc/errors.ts";
import { contractTest, freshStore } from "./store-backends.fixture.ts";
import type { NewEvent } from "./store.ts";

/** Named lines and zones (Store.setPlaces, per-place counts, series and dwell), on SQLite and PostgreSQL. */

const domainCode = (code: string, message?: RegExp) => (err: unknown) =>
  err instanceof DomainError && err.code === code && (!message || message.test(err.message));
const door: NamedLine = { id: "door", name: "Door", line: { ax: 0.1, ay: 0.5, bx: 0.9, by: 0.5, inSideLeft: true } };
const lane: NamedLine = { id: "lane-2", name: "Lane 2", line: { ax: 0.5, ay: 0.1, bx: 0.5, by: 0.9, inSideLeft: false } };
const queue: Zone = { id: "queue", name: "Queue", points: [{ x: 0.2, y: 0.2 }, { x: 0.6, y: 0.2 }, { x: 0.4, y: 0.7 }] };
const cross = (kind: "cross_in" | "cross_out", lineId: string, trackId: number, timeMs: number): NewEvent => ({ kind, trackId, timeMs, lineId });
const enter = (zoneId: string, trackId: number, timeMs: number): NewEvent => ({ kind: "zone_enter", trackId, timeMs, zoneId });
const leave = (zoneId: string, trackId: number, timeMs: number, dwellMs: number): NewEvent => ({ kind: "zone_leave", trackId, timeMs, zoneId, dwellMs });

contractTest("lines and zones are stored in order, replaced whole, and a kept id keeps its counts", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  const set = await store.setPlaces("cam", { lines: [door, lane], zones: [queue] });
  assert.deepEqual(set.lines.map((l) => [l.id, l.name, l.line, l.crossedIn]), [["door", "Door", door.line, 0], ["lane-2", "Lane 2", lane.line, 0]]);
  assert.deepEqual(set.zones, [{ ...queue, entered: 0, left: 0 }]);
  assert.equal(set.line, null, "no line with id \"line\"");
  await store.openSession("s", "cam", 0);
  const appended = await store.appendEvents("cam", "s", [
    { kind: "entry", trackId: 1, timeMs: 60_000 }, cross("cross_in", "door", 1, 60_000), cross("cross_out", "lane-2", 1, 61_000),
    enter("queue", 1, 62_000), leave("queue", 1, 122_000, 60_000),
  ], 1);
  assert.deepEqual(appended.totals, { entered: 1, exited: 0, crossedIn: 1, crossedOut: 1 }, "zone events are not in the camera's totals");
  assert.deepEqual(appended.places, {
    lines: [{ lineId: "door", crossedIn: 1, crossedOut: 0 }, { lineId: "lane-2", crossedIn: 0, crossedOut: 1 }],
    zones: [{ zoneId: "queue", entered: 1, left: 1 }],
  });
  // Renamed and moved, the door keeps its counts; the lane is gone; a new zone starts at zero.
  const moved = { ...door, name: "Front door", line: { ...door.line, ay: 0.6 } };
  const hall: Zone = { id: "hall", name: "Hall", points: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }] };
  const replaced = await store.setPlaces("cam", { lines: [moved], zones: [hall, queue] });
  assert.deepEqual(replaced.lines, [{ ...moved, crossedIn: 1, crossedOut: 0 }]);
  assert.deepEqual(replaced.zones.map((z) => [z.id, z.entered, z.left]), [["hall", 0, 0], ["queue", 1, 1]]);
  assert.deepEqual((await store.listCameras())[0]!.zones.map((z) => z.id), ["hall", "queue"]);

  const { events } = await store.events({ cameraId: "cam", limit: 10 });
  assert.deepEqual(events.map((e) => [e.kind, e.lineId, e.zoneId, e.dwellMs]), [
    ["zone_leave", null, "queue", 60_000], ["zone_enter", null, "queue", null], ["cross_out", "lane-2", null, null],
    ["cross_in", "door", null, null], ["entry", null, null, null],
  ]);
  await store.appendEvents("cam", null, [{ kind: "reset", trackId: 0, timeMs: 200_000 }]);
  const reset = await store.getCamera("cam");
  assert.deepEqual([reset!.lines[0]!.crossedIn, reset!.zones[1]!.entered], [0, 0], "a reset zeroes every line and zone");
});

contractTest("the single-line API edits the line with id \"line\" and leaves the others alone", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.setPlaces("cam", { lines: [door], zones: [queue] });
  const withLine = await store.setLine("cam", lane.line);
  assert.deepEqual(withLine.line, lane.line);
  assert.deepEqual(withLine.lines.map((l) => [l.id, l.name]), [["door", "Door"], ["line", "line"]]);
  assert.deepEqual(withLine.zones.map((z) => z.id), ["queue"]);
  const cleared = await store.setLine("cam", null);
  assert.deepEqual([cleared.line, cleared.lines.map((l) => l.id)], [null, ["door"]]);
});

contractTest("bad lines and zones are refused with a message that says which and why", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  const nine = Array.from({ length: 9 }, (_, i) => ({ ...door, id: `l${i}` }));
  await assert.rejects(store.setPlaces("cam", { lines: nine, zones: [] }), domainCode("INVALID_ARGUMENT", /at most 8 lines, got 9/));
  await assert.rejects(store.setPlaces("cam", { lines: [], zones: Array.from({ length: 9 }, (_, i) => ({ ...queue, id: `z${i}` })) }), domainCode("INVALID_ARGUMENT", /at most 8 zones/));
  await assert.rejects(store.setPlaces("cam", { lines: [door], zones: [{ ...queue, id: "door" }] }), domainCode("INVALID_ARGUMENT", /zone 1 has id "door", already used/));
  await assert.rejects(store.setPlaces("cam", { lines: [{ ...door, id: "Door!" }], zones: [] }), domainCode("INVALID_ARGUMENT", /line 1 has id "Door!"/));
  await assert.rejects(store.setPlaces("cam", { lines: [{ ...door, name: " " }], zones: [] }), domainCode("INVALID_ARGUMENT", /line "door" needs a name/));
  await assert.rejects(store.setPlaces("cam", { lines: [], zones: [{ ...queue, points: queue.points.slice(0, 2) }] }), domainCode("INVALID_ARGUMENT", /has 2 points; a zone has 3 to 12/));
  await assert.rejects(
    store.setPlaces("cam", { lines: [], zones: [{ ...queue, points: [...queue.points, { x: 1.2, y: 0.5 }] }] }),
    domainCode("INVALID_ARGUMENT", /zone "queue" point 4 \(1.2, 0.5\) is outside the frame/),
  );
  await assert.rejects(store.setPlaces("nope", { lines: [], zones: [] }), domainCode("NOT_FOUND"));
  assert.deepEqual((await store.getCamera("cam"))!.lines, [], "nothing was stored");
});

contractTest("the series of one line or zone, and a zone's dwell samples", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.setPlaces("cam", { lines: [door], zones: [queue] });
  await store.openSession("s", "cam", 0);
  await store.appendEvents("cam", "s", [cross("cross_in", "door", 1, 60_000), cross("cross_in", "door", 2, 61_000), enter("queue", 1, 62_000)], 1);
  await store.appendEvents("cam", "s", [cross("cross_out", "door", 1, 125_000), leave("queue", 1, 130_000, 68_000)], 2);
  const hour = { cameraId: "cam", fromMs: 0, toMs: 3_600_000, bucket: "minute" as const };
  assert.deepEqual(await store.series({ ...hour, lineId: "door" }), [
    { startMs: 60_000, entered: 0, exited: 0, crossedIn: 2, crossedOut: 0 },
    { startMs: 120_000, entered: 0, exited: 0, crossedIn: 0, crossedOut: 1 },
  ]);
  assert.deepEqual(await store.series({ ...hour, zoneId: "queue", bucket: "hour" }), [{ startMs: 0, entered: 1, exited: 1, crossedIn: 0, crossedOut: 0 }]);
  assert.deepEqual((await store.series(hour)).map((p) => p.crossedIn), [2, 0], "the camera's series sums its lines");
  assert.deepEqual(await store.dwellSamples({ cameraId: "cam", zoneId: "queue", fromMs: 0, toMs: 3_600_000 }), [{ timeMs: 130_000, dwellMs: 68_000 }]);
  await assert.rejects(store.series({ ...hour, cameraId: undefined, lineId: "door" }), domainCode("INVALID_ARGUMENT", /needs its camera id/));
  await assert.rejects(store.appendEvents("cam", "s", [{ kind: "zone_leave", trackId: 1, timeMs: 1, zoneId: "queue" }]), domainCode("INVALID_ARGUMENT", /dwell/));
});

contractTest("a lost session's open zone stays end with its exits, 'session_lost', with their dwell up to its last event", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await store.upsertCamera("cam", "", 0);
  await store.setPlaces("cam", { lines: [], zones: [queue, { ...queue, id: "till", name: "Till" }] });
  await store.openSession("s", "cam", 0);
  await store.appendEvents("cam", "s", [{ kind: "entry", trackId: 1, timeMs: 1_000 }, enter("queue", 1, 1_000), enter("till", 1, 1_000)], 1);
  await store.appendEvents("cam", "s", [leave("till", 1, 2_000, 1_000), enter("till", 1, 3_000)], 2);
  await store.appendEvents("cam", "s", [leave("till", 1, 4_000, 1_000), { kind: "entry", trackId: 2, timeMs: 5_000 }], 3);
  assert.deepEqual(await store.closeLostSessions(), [{ sessionId: "s", cameraId: "cam", closedAtMs: 5_000, exits: 2 }]);
  const { events } = await store.events({ cameraId: "cam", fromMs: 5_000, limit: 10 });
  assert.deepEqual([...events].reverse().map((e) => [e.kind, e.trackId, e.zoneId, e.dwellMs, e.reason]), [
    ["entry", 2, null, null, null],
    ["zone_leave", 1, "queue", 4_000, "session_lost"],
    ["exit", 1, null, null, "session_lost"],
    ["exit", 2, null, null, "session_lost"],
  ]);
  const camera = await store.getCamera("cam");
  assert.deepEqual(camera!.zones.map((z) => [z.id, z.entered, z.left]), [["queue", 1, 1], ["till", 2, 2]], "every stay begun has ended");
});
