import { test } from "node:test";
import assert from "node:assert/strict";
import { zoneTint } from "./place-painter.ts";

test("a zone is faint when empty and more strongly tinted with each person in it, up to a cap", () => {
  const tints = [0, 1, 2, 3, 10].map(zoneTint);
  assert.equal(tints[0], 0.12);
  assert.ok(tints[1]! > tints[0]! && tints[2]! > tints[1]! && tints[3]! > tints[2]!);
  assert.equal(tints[4], 0.55);
});
