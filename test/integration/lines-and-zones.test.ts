import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Bucket, EventKind, EventReason } from "@headcount/proto/count";
import type { FrameAck, NamedLine, Zone } from "@headcount/proto/types";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { streamOneByOne } from "../support/stream-sender.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode, waitFor } from "../support/waiting.ts";

// Person 1 walks in at 6.0 s of the one-by-one clip (their feet inside the picture, so in the
// room zone, from about 8 s) and is still in view at 10.0 s. The motion gate follows them
// twice a second, so the zone's figures move in 0.4 s steps.
const cut = { startS: 5, count: 50, fps: 10, width: 640 };
const whole: Zone = { id: "room", name: "Whole room", points: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }] };
const corner: Zone = { id: "corner", name: "Top corner", points: [{ x: 0, y: 0 }, { x: 0.05, y: 0 }, { x: 0, y: 0.05 }] };
const lines: NamedLine[] = [
  { id: "left", name: "Left", line: { ax: 0.3, ay: 0, bx: 0.3, by: 1, inSideLeft: true } },
  { id: "right", name: "Right", line: { ax: 0.7, ay: 0, bx: 0.7, by: 1, inSideLeft: false } },
];

let ts: TestServer;
before(async () => {
  ts = await startTestServer({ detector: "mediapipe", config: { workers: 1 } });
});
after(async () => {
  await ts?.stop();
});

const rpcError = async (call: Promise<unknown>): Promise<[string, string]> => {
  try {
    await call;
  } catch (err) {
    if (err instanceof RpcError) return [err.code, decodeURIComponent(err.message)];
    throw err;
  }
  throw new Error("the call succeeded");
};

test("SetPlaces: bad lines and zones get INVALID_ARGUMENT with a message that names them", async () => {
  await ts.native.capture.openSession({ cameraId: "zones-bad", cameraName: "" });
  const count = ts.native.count;
  assert.deepEqual(await rpcError(count.setPlaces({ cameraId: "zones-bad", lines: [], zones: [{ ...whole, points: whole.points.slice(0, 2) }] }).response), [
    "INVALID_ARGUMENT", 'zone "room" has 2 points; a zone has 3 to 12',
  ]);
  assert.deepEqual(await rpcError(count.setPlaces({ cameraId: "zones-bad", lines: [lines[0]!, { ...lines[1]!, id: "left" }], zones: [] }).response), [
    "INVALID_ARGUMENT", 'line 2 has id "left", already used by another line or zone of this camera',
  ]);
  assert.deepEqual(await rpcError(count.setPlaces({ cameraId: "zones-bad", lines: [{ ...lines[0]!, line: undefined }], zones: [] }).response), [
    "INVALID_ARGUMENT", 'line "left" has no geometry',
  ]);
  assert.equal(await rpcCode(count.setPlaces({ cameraId: "nope", lines: [], zones: [] }).response), "NOT_FOUND");
});

test("a person in a zone: acks carry its occupancy, the stay ends with the capture and its dwell reaches the log, the series and the count page", { timeout: 120_000 }, async () => {
  await ts.native.capture.openSession({ cameraId: "zones-cam", cameraName: "" });
  const { response } = await ts.native.count.setPlaces({ cameraId: "zones-cam", lines, zones: [whole, corner] });
  assert.deepEqual(response.camera?.lines.map((l) => l.id), ["left", "right"]);
  assert.deepEqual(response.camera?.zoneCounts.map((z) => [z.zoneId, z.occupancy, z.entered]), [["room", 0, 0], ["corner", 0, 0]]);

  const acks: FrameAck[] = [];
  const startedAt = Date.now();
  await streamOneByOne(ts, "zones-cam", extractJpegFrames(oneByOneVideo, cut), 1, (ack) => acks.push(ack));
  assert.ok(acks.every((a) => a.lineCounts.map((l) => l.lineId).join() === "left,right" && a.zoneCounts.length === 2), "every ack lists each line and zone");
  const inRoom = acks.filter((a) => a.zoneCounts[0]!.occupancy >= 1);
  assert.ok(inRoom.length >= 10, `the person is in the room for many frames (${inRoom.length})`);
  assert.ok(inRoom.at(-1)!.zoneCounts[0]!.longestWaitMs >= 1000, "the wait grows while they stay");
  assert.ok(acks.every((a) => a.zoneCounts[1]!.occupancy === 0), "nobody stands in the top corner");

  const { response: log } = await ts.native.count.listEvents({ cameraId: "zones-cam", fromMs: 0, toMs: 0, limit: 100, cursor: "" });
  const zoneEvents = log.events.filter((e) => e.zoneId !== "");
  const enter = zoneEvents.find((e) => e.kind === EventKind.ZONE_ENTER);
  const leave = zoneEvents.find((e) => e.kind === EventKind.ZONE_LEAVE);
  assert.ok(enter && leave, "a zone enter and a zone leave are stored");
  assert.equal(leave.reason, EventReason.CAPTURE_STOPPED, "the stay ended because the capture stopped");
  assert.equal(leave.dwellMs, leave.timeMs - enter.timeMs);
  assert.ok(leave.dwellMs >= 1000);

  const { response: series } = await ts.native.count.getSeries({
    cameraId: "zones-cam", zoneId: "room", lineId: "", fromMs: startedAt - 3_600_000, toMs: Date.now() + 3_600_000, bucket: Bucket.HOUR, utcOffsetMinutes: 0,
  });
  const stays = series.points.reduce((n, p) => n + p.stays, 0);
  assert.equal(stays, zoneEvents.filter((e) => e.kind === EventKind.ZONE_LEAVE).length);
  assert.ok(series.points.some((p) => p.dwellMedianMs >= 1000 && p.dwellP90Ms >= p.dwellMedianMs));

  await waitFor("the count page sees the stays, and nobody left in the room", async () => {
    const cam = (await ts.native.count.listCameras({})).response.cameras.find((c) => c.cameraId === "zones-cam");
    const room = cam?.zoneCounts.find((z) => z.zoneId === "room");
    return room !== undefined && room.entered >= 1 && room.left === room.entered && room.occupancy === 0;
  }, 10_000);
});
