import { test } from "node:test";
import assert from "node:assert/strict";
import { formatWait, placeIdFor } from "./place-ids.ts";

test("a new line's or zone's id comes from its name, is unique and never empty", () => {
  assert.equal(placeIdFor("Front door", new Set(), "line"), "front-door");
  assert.equal(placeIdFor("Front door", new Set(["front-door", "front-door-2"]), "line"), "front-door-3");
  assert.equal(placeIdFor("Café queue!", new Set(), "zone"), "cafe-queue");
  assert.equal(placeIdFor("***", new Set(["zone"]), "zone"), "zone-2");
  assert.match(placeIdFor("x".repeat(80), new Set(), "line"), /^[a-z0-9-]{1,32}$/);
});

test("waits read as seconds, minutes or hours", () => {
  assert.deepEqual([formatWait(0), formatWait(45_400), formatWait(200_000), formatWait(3_900_000)], ["0 s", "45 s", "3 min 20 s", "1 h 05 min"]);
});
