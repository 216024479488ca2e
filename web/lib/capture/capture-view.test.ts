import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FrameStatus } from "@headcount/proto/types";
import type { FrameAck } from "@headcount/proto/types";
import { statusName, toAckRow } from "./capture-view.ts";

const ack: FrameAck = {
  seq: 42,
  status: FrameStatus.PROCESSED,
  detail: "",
  capturedAtMs: 1_000,
  receivedAtMs: 1_020,
  decodedWidth: 300,
  decodedHeight: 225,
  jpegBytes: 30_000,
  people: [{ x: 0.1, y: 0.2, width: 0.2, height: 0.5, score: 0.9, trackId: 3 }],
  counts: { inView: 1, entered: 4, exited: 3, crossedIn: 0, crossedOut: 0 },
  timings: { queuedMs: 1, decodeMs: 5, detectMs: 40, trackMs: 0.2, totalMs: 47 },
  detectionSkipped: false,
  lineCounts: [],
  zoneCounts: [],
  placesChanged: false,
  lines: [],
  zones: [],
};

describe("toAckRow", () => {
  it("measures latency on the page's clock and pairs the sent size with the decoded one", () => {
    const row = toAckRow(ack, 1_180.4, { width: 640, height: 480 });
    assert.equal(row.latencyMs, 180);
    assert.equal(row.status, "processed");
    assert.deepEqual([row.sentWidth, row.sentHeight, row.decodedWidth, row.decodedHeight], [640, 480, 300, 225]);
    assert.equal(row.people, 1);
    assert.equal(row.counts?.entered, 4);
  });

  it("shows 0 x 0 as the sent size when the frame is unknown", () => {
    const row = toAckRow({ ...ack, status: FrameStatus.DROPPED_STALE, detail: "overtaken" }, 1_100, undefined);
    assert.deepEqual([row.sentWidth, row.sentHeight, row.status, row.detail], [0, 0, "dropped_stale", "overtaken"]);
  });

  it("carries the server's word that detection was skipped (nothing moved)", () => {
    assert.equal(toAckRow(ack, 1_100, undefined).detectionSkipped, false);
    const row = toAckRow({ ...ack, people: [], detectionSkipped: true }, 1_100, undefined);
    assert.deepEqual([row.status, row.detectionSkipped, row.people], ["processed", true, 0]);
  });
});

describe("statusName", () => {
  it("maps every FrameStatus", () => {
    assert.equal(statusName(FrameStatus.REJECTED), "rejected");
    assert.equal(statusName(FrameStatus.UNSPECIFIED), "unspecified");
  });
});
