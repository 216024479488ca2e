import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { AreaServiceClient } from "@headcount/proto/area-client";
import { CapacityState } from "@headcount/proto/area";
import type { WatchCountsResponse } from "@headcount/proto/count";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { streamOneByOne } from "../support/stream-sender.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode, until } from "../support/waiting.ts";

const dataDir = mkdtempSync(join(tmpdir(), "headcount-areas-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** A vertical line at x = 0.7, top to bottom: person 1 of the footage walks across it left to right at about 18.5 s. */
const DOOR_IN = { ax: 0.7, ay: 0, bx: 0.7, by: 1, inSideLeft: true };
/** The same line with its sides swapped: the same walk leaves through it. */
const DOOR_OUT = { ...DOOR_IN, inSideLeft: false };

async function addCamera(ts: TestServer, cameraId: string, line: typeof DOOR_IN): Promise<void> {
  await ts.native.capture.openSession({ cameraId, cameraName: cameraId.replace("-", " ") });
  await ts.native.count.setCountingLine({ cameraId, line });
}

test("two cameras as two doors of one area: in through one, out through the other; inside-now continues after a restart", { timeout: 300_000 }, async () => {
  // 14.0 to 21.0 s: person 1 stands mid-frame, then walks out to the right across x = 0.7.
  const walk = extractJpegFrames(oneByOneVideo, { startS: 14, count: 70, fps: 10, width: 640 });
  const first = await startTestServer({ detector: "mediapipe", config: { dataDir, workers: 1 } });
  let areaId = "";
  try {
    const areas = new AreaServiceClient(first.native.transport);
    await addCamera(first, "front-door", DOOR_IN);
    await addCamera(first, "back-door", DOOR_OUT);
    const doors = [{ cameraId: "front-door", lineId: "line" }, { cameraId: "back-door", lineId: "line" }];
    const { response: created } = await areas.createArea({ settings: { name: "Shop", capacity: 2, timeZone: "UTC", entrances: doors } });
    areaId = created.area!.areaId;
    const c = created.area!.counts!;
    assert.deepEqual([c.inside, c.entered, c.left, c.state], [0, 0, 0, CapacityState.OK]);
    assert.equal(created.area!.settings!.resetMinute, 240, "the daily reset defaults to 04:00");

    const snapshots: WatchCountsResponse[] = [];
    const abort = new AbortController();
    const watch = first.native.count.watchCounts({ changesOnly: true }, { abort: abort.signal });
    watch.responses.onMessage((m) => snapshots.push(m));
    watch.status.catch(() => undefined);
    const inside = () => snapshots.at(-1)?.areas.find((a) => a.areaId === areaId)?.counts?.inside;

    const front = await streamOneByOne(first, "front-door", walk);
    assert.equal(front.crossedIn, 1, "the front door saw one person come in");
    await until(() => inside() === 1, "one inside after the front door");
    const back = await streamOneByOne(first, "back-door", walk);
    assert.equal(back.crossedOut, 1, "the back door saw one person leave");
    await until(() => inside() === 0, "nobody inside after the back door");
    await streamOneByOne(first, "front-door", walk, 100);
    await streamOneByOne(first, "front-door", walk, 200);
    await until(() => inside() === 2, "two inside after two more came in");
    const full = snapshots.at(-1)!.areas.find((a) => a.areaId === areaId)!.counts!;
    assert.deepEqual([full.entered, full.left, full.state], [3, 1, CapacityState.FULL], "at its capacity of 2 the area is full");
    abort.abort();

    // The history of the area: its doors' events and a daily series.
    const events = await first.native.count.listEvents({ cameraId: "", areaId, fromMs: 0, toMs: 0, limit: 1000, cursor: "" });
    assert.deepEqual(new Set(events.response.events.map((e) => e.cameraId)), new Set(["front-door", "back-door"]));
    assert.equal(await rpcCode(first.native.count.listEvents({ cameraId: "", areaId: "nope", fromMs: 0, toMs: 0, limit: 10, cursor: "" }).response), "NOT_FOUND");
  } finally {
    await first.stop();
  }

  const second = await startTestServer({ detector: "mediapipe", config: { dataDir, workers: 1 } });
  try {
    const { response } = await new AreaServiceClient(second.native.transport).listAreas({});
    const shop = response.areas.find((a) => a.areaId === areaId)!;
    assert.deepEqual([shop.counts!.inside, shop.counts!.entered, shop.counts!.left], [2, 3, 1], "inside-now continues from the stored events");
    const latest: WatchCountsResponse[] = [];
    const abort = new AbortController();
    const watch = second.native.count.watchCounts({}, { abort: abort.signal });
    watch.responses.onMessage((m) => latest.push(m));
    watch.status.catch(() => undefined);
    await streamOneByOne(second, "back-door", walk, 300);
    await until(() => latest.at(-1)?.areas.find((a) => a.areaId === areaId)?.counts?.inside === 1, "one inside after one more left");
    abort.abort();
  } finally {
    await second.stop();
  }
});

test("bad area input gets precise statuses; a manual reset zeroes inside-now; WatchCounts with changes_only sends what changed", { timeout: 60_000 }, async () => {
  const ts = await startTestServer();
  try {
    const areas = new AreaServiceClient(ts.native.transport);
    await addCamera(ts, "lobby", DOOR_IN);
    await ts.native.capture.openSession({ cameraId: "no-line", cameraName: "" });
    const settings = (over: object) => ({ settings: { name: "Hall", timeZone: "UTC", entrances: [{ cameraId: "lobby", lineId: "line" }], ...over } });
    assert.equal(await rpcCode(areas.createArea(settings({ capacity: -1 })).response), "INVALID_ARGUMENT");
    assert.equal(await rpcCode(areas.createArea(settings({ capacity: 0 })).response), "INVALID_ARGUMENT");
    assert.equal(await rpcCode(areas.createArea(settings({ name: "  " })).response), "INVALID_ARGUMENT");
    assert.equal(await rpcCode(areas.createArea(settings({ resetMinute: 1440 })).response), "INVALID_ARGUMENT");
    assert.equal(await rpcCode(areas.createArea(settings({ timeZone: "Mars/Olympus" })).response), "INVALID_ARGUMENT");
    assert.equal(await rpcCode(areas.createArea(settings({ entrances: [{ cameraId: "nowhere", lineId: "line" }] })).response), "NOT_FOUND");
    assert.equal(await rpcCode(areas.createArea(settings({ entrances: [{ cameraId: "lobby", lineId: "door-2" }] })).response), "INVALID_ARGUMENT");
    assert.equal(await rpcCode(areas.createArea(settings({ entrances: [{ cameraId: "no-line", lineId: "line" }] })).response), "INVALID_ARGUMENT");
    assert.equal(await rpcCode(areas.createArea({}).response), "INVALID_ARGUMENT");
    assert.equal((await areas.listAreas({})).response.areas.length, 0, "nothing refused was stored");
    for (const call of [areas.updateArea({ areaId: "nope", ...settings({}) }), areas.deleteArea({ areaId: "nope" }), areas.resetArea({ areaId: "nope" })]) {
      assert.equal(await rpcCode(call.response), "NOT_FOUND");
    }
    const watchMissing = areas.watchArea({ areaId: "nope" });
    assert.equal(await rpcCode(watchMissing.status), "NOT_FOUND");

    const { response } = await areas.createArea(settings({ capacity: 10 }));
    const areaId = response.area!.areaId;
    const reset = await areas.resetArea({ areaId });
    assert.ok(reset.response.area!.resetAtMs > 0 && reset.response.area!.counts!.countingFromMs === reset.response.area!.resetAtMs);
    const updated = await areas.updateArea({ areaId, ...settings({ name: "Great hall", capacity: undefined }) });
    assert.equal(updated.response.area!.counts!.state, CapacityState.NONE);

    const messages: WatchCountsResponse[] = [];
    const abort = new AbortController();
    const watch = ts.native.count.watchCounts({ changesOnly: true }, { abort: abort.signal });
    watch.responses.onMessage((m) => messages.push(m));
    watch.status.catch(() => undefined);
    await until(() => messages.length >= 1, "the first snapshot");
    assert.equal(messages[0]!.changesOnly, false);
    assert.deepEqual(messages[0]!.cameras.map((c) => c.cameraId).sort(), ["lobby", "no-line"]);
    assert.equal(messages[0]!.areas[0]?.settings?.name, "Great hall");
    await ts.native.capture.openSession({ cameraId: "third", cameraName: "" });
    await until(() => messages.some((m) => m.cameras.some((c) => c.cameraId === "third")), "the new camera");
    const change = messages.find((m) => m.cameras.some((c) => c.cameraId === "third"))!;
    assert.equal(change.changesOnly, true);
    assert.deepEqual(change.cameras.map((c) => c.cameraId), ["third"], "only the camera that changed");
    abort.abort();

    await areas.deleteArea({ areaId });
    assert.equal((await areas.listAreas({})).response.areas.length, 0);
  } finally {
    await ts.stop();
  }
});
