import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CapacityState, type Area } from "@headcount/proto/area";
import { occupancyText } from "./occupancy-text.ts";

const area = (inside: number, state: CapacityState, capacity?: number): Area => ({
  areaId: "a",
  resetAtMs: 0,
  settings: { name: "Shop", capacity, timeZone: "UTC", entrances: [] },
  counts: { inside, entered: inside, left: 0, state, dayStartMs: 0, countingFromMs: 0, nextResetMs: 0 },
});

describe("the occupancy display", () => {
  it("says N of CAPACITY inside, green, amber near it, red with Please wait at it", () => {
    assert.deepEqual(occupancyText(area(3, CapacityState.OK, 40), true), { headline: "3 of 40 inside", message: "Welcome, come in", tone: "green" });
    assert.deepEqual(occupancyText(area(36, CapacityState.NEAR, 40), true).tone, "amber");
    assert.deepEqual(occupancyText(area(40, CapacityState.FULL, 40), true), { headline: "40 of 40 inside", message: "Please wait", tone: "red" });
    assert.equal(occupancyText(area(7, CapacityState.NONE), true).headline, "7 inside");
  });

  it("never shows a number unless live", () => {
    assert.deepEqual(occupancyText(area(40, CapacityState.FULL, 40), false), { headline: "–", message: "Reconnecting…", tone: "grey" });
    assert.equal(occupancyText(null, true).message, "Connecting…");
  });
});
