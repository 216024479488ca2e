import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventKind, EventReason } from "@headcount/proto/count";
import type { CountEvent } from "@headcount/proto/count";
import { appendOlder, eventKindLabel, eventKindName, eventReasonLabel, eventReasonName, mergeNewest } from "./event-log.ts";

const event = (id: number, timeMs: number, kind = EventKind.ENTRY): CountEvent => ({ id, cameraId: "hall", kind, trackId: id, timeMs, reason: EventReason.UNSPECIFIED, lineId: "", zoneId: "", dwellMs: 0 });
const ids = (events: readonly CountEvent[]) => events.map((e) => e.id);

describe("event kind names", () => {
  it("match the server's export names and read well", () => {
    assert.equal(eventKindName(EventKind.CROSS_IN), "cross_in");
    assert.equal(eventKindName(EventKind.RESET), "reset");
    assert.equal(eventKindLabel(EventKind.CROSS_OUT), "crossed out");
    assert.equal(eventKindLabel(EventKind.EXIT), "exit");
    assert.equal(eventKindName(99 as EventKind), "unknown");
  });

  it("say why an exit was counted at a session's end, and nothing for what the frames showed", () => {
    assert.equal(eventReasonLabel(EventReason.CAPTURE_STOPPED), "capture stopped");
    assert.equal(eventReasonName(EventReason.CAPTURE_STOPPED), "capture_stopped");
    assert.equal(eventReasonName(EventReason.SESSION_LOST), "session_lost");
    assert.equal(eventReasonLabel(EventReason.UNSPECIFIED), "");
    assert.equal(eventReasonLabel(99 as EventReason), "");
  });
});

describe("mergeNewest", () => {
  const loaded = { events: [event(5, 500), event(4, 400), event(3, 300), event(2, 200)], nextCursor: "200:2" };

  it("keeps the older loaded pages when the fresh page overlaps them", () => {
    const fresh = { events: [event(7, 700), event(6, 600), event(5, 500)], nextCursor: "500:5" };
    const merged = mergeNewest(loaded, fresh);
    assert.deepEqual(ids(merged.events), [7, 6, 5, 4, 3, 2]);
    assert.equal(merged.nextCursor, "200:2");
  });

  it("keeps only the fresh page when there may be a gap", () => {
    const fresh = { events: [event(9, 900), event(8, 800)], nextCursor: "800:8" };
    assert.deepEqual(mergeNewest(loaded, fresh), fresh);
  });

  it("takes a complete fresh answer as it is", () => {
    const fresh = { events: [event(6, 600), event(5, 500), event(4, 400), event(3, 300), event(2, 200), event(1, 100)], nextCursor: "" };
    assert.deepEqual(mergeNewest(loaded, fresh), fresh);
  });

  it("orders by time before id, as the server does", () => {
    // Event 6 was stored last but happened at 450 (a camera whose frames arrive late).
    const fresh = { events: [event(5, 500), event(6, 450), event(4, 400)], nextCursor: "400:4" };
    assert.deepEqual(ids(mergeNewest(loaded, fresh).events), [5, 6, 4, 3, 2]);
  });
});

describe("appendOlder", () => {
  it("appends a page and takes its cursor, skipping repeats", () => {
    const merged = appendOlder({ events: [event(3, 300), event(2, 200)], nextCursor: "200:2" }, { events: [event(2, 200), event(1, 100)], nextCursor: "" });
    assert.deepEqual(ids(merged.events), [3, 2, 1]);
    assert.equal(merged.nextCursor, "");
  });
});
