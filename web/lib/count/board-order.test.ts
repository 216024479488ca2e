import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Area } from "@headcount/proto/area";
import type { Camera } from "@headcount/proto/count";
import { filterCameras, mergeCameras, naturalCompare, sectionsOf, showsTable, sortCamerasBy, summarize } from "./board-order.ts";

const cam = (cameraId: string, name: string, inView = 0, online = true, enteredToday = 0): Camera => ({
  cameraId, name, online, ackedFps: 0, latencyMs: 0, lastSeenAtMs: 0, resetAtMs: 0,
  counts: { inView, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 },
  today: { fromMs: 0, entered: enteredToday, exited: 0, crossedIn: 0, crossedOut: 0 },
  lines: [], zones: [], lineCounts: [], zoneCounts: [],
});
const area = (areaId: string, cameraIds: string[]): Area => ({
  areaId, resetAtMs: 0, settings: { name: areaId, timeZone: "UTC", entrances: cameraIds.map((cameraId) => ({ cameraId, lineId: "line" })) },
});

describe("the count page at many cameras", () => {
  it("sorts names naturally: Camera 2 before Camera 10, case ignored", () => {
    const names = ["Camera 10", "camera 2", "Camera 1", "Camera 11", "Annex"];
    assert.deepEqual([...names].sort(naturalCompare), ["Annex", "Camera 1", "camera 2", "Camera 10", "Camera 11"]);
  });

  it("sorts by most people and offline first, ties by name", () => {
    const cameras = [cam("a", "Door 10", 1), cam("b", "Door 2", 4, false), cam("c", "Door 1", 4), cam("d", "Door 3", 0, false)];
    assert.deepEqual(sortCamerasBy(cameras, "people").map((c) => c.name), ["Door 1", "Door 2", "Door 10", "Door 3"]);
    assert.deepEqual(sortCamerasBy(cameras, "offline").map((c) => c.name), ["Door 2", "Door 3", "Door 1", "Door 10"]);
    assert.deepEqual(sortCamerasBy(cameras, "name").map((c) => c.name), ["Door 1", "Door 2", "Door 3", "Door 10"]);
  });

  it("searches names and ids for the phrase", () => {
    const cameras = [cam("north-1", "Lobby north"), cam("south-1", "Lobby  south"), cam("gate", "Gate"), cam("c7", "Camera 7"), cam("c17", "Camera 17"), cam("c70", "Camera 70")];
    assert.deepEqual(filterCameras(cameras, "lobby NOR").map((c) => c.cameraId), ["north-1"]);
    assert.deepEqual(filterCameras(cameras, " lobby south").map((c) => c.cameraId), ["south-1"]);
    assert.deepEqual(filterCameras(cameras, "camera 7").map((c) => c.cameraId), ["c7", "c70"]);
    assert.deepEqual(filterCameras(cameras, "  ").length, 6);
    assert.deepEqual(filterCameras(cameras, "south-1").map((c) => c.cameraId), ["south-1"]);
  });

  it("switches to the table past a dozen cameras unless the user chose", () => {
    assert.equal(showsTable("auto", 12), false);
    assert.equal(showsTable("auto", 13), true);
    assert.equal(showsTable("tiles", 100), false);
    assert.equal(showsTable("table", 1), true);
  });

  it("groups cameras by area, a camera at two areas' doors in both, the rest last", () => {
    const cameras = [cam("a", "A"), cam("b", "B"), cam("c", "C")];
    const sections = sectionsOf(cameras, [area("shop", ["a", "b"]), area("floor", ["b"])]);
    assert.deepEqual(sections.map((s) => [s.area?.areaId ?? null, s.cameras.map((c) => c.cameraId)]), [["shop", ["a", "b"]], ["floor", ["b"]], [null, ["c"]]]);
    assert.deepEqual(sectionsOf(cameras, []).map((s) => s.cameras.length), [3]);
  });

  it("sums the strip and merges changes by camera id", () => {
    assert.deepEqual(summarize([cam("a", "A", 2, true, 5), cam("b", "B", 1, false, 7)]), { online: 1, total: 2, inView: 3, enteredToday: 12 });
    const merged = mergeCameras([cam("a", "A", 1), cam("b", "B", 1)], [cam("b", "B", 3), cam("c", "C")]);
    assert.deepEqual(merged.map((c) => [c.cameraId, c.counts?.inView]), [["a", 1], ["b", 3], ["c", 0]]);
  });
});
