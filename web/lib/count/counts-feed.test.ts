import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Camera } from "@headcount/proto/count";
import { CountsFeed, sortCameras } from "./counts-feed.ts";

const camera = (cameraId: string, name: string): Camera => ({
  cameraId,
  name,
  online: false,
  ackedFps: 0,
  latencyMs: 0,
  lastSeenAtMs: 0,
  resetAtMs: 0,
  lines: [],
  zones: [],
  lineCounts: [],
  zoneCounts: [],
});

describe("sortCameras", () => {
  it("orders by name (id when unnamed), then id, without touching the input", () => {
    const input = [camera("cam-b", "Lobby"), camera("cam-z", ""), camera("cam-a", "Lobby"), camera("cam-c", "Door")];
    const sorted = sortCameras(input).map((c) => c.cameraId);
    assert.deepEqual(sorted, ["cam-z", "cam-c", "cam-a", "cam-b"]);
    assert.equal(input[0]?.cameraId, "cam-b");
  });
});

describe("CountsFeed", () => {
  it("shows a configuration error instead of connecting when there is no endpoint", () => {
    const feed = new CountsFeed(null, "bad setting");
    feed.start();
    assert.deepEqual(
      { state: feed.getSnapshot().state, error: feed.getSnapshot().error },
      { state: "error", error: "bad setting" },
    );
    feed.stop();
  });
});
