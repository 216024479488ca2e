import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { offersFacingChoice } from "./camera-source.ts";
import type { VideoInput } from "./camera-source.ts";

const camera = (facing: boolean, named = true): VideoInput => ({ deviceId: `d${Math.random()}`, label: "cam", named, facing });

describe("offersFacingChoice", () => {
  it("offers Front/Back when a camera reports a facing direction (phones)", () => {
    assert.equal(offersFacingChoice([camera(true), camera(true)], true), true);
    assert.equal(offersFacingChoice([camera(false), camera(true)], false), true);
  });

  it("hides Front/Back on a desktop whose named cameras face nowhere", () => {
    assert.equal(offersFacingChoice([camera(false)], false), false);
    assert.equal(offersFacingChoice([camera(false), camera(false)], true), false, "known cameras decide, not the pointer");
  });

  it("before camera permission (unnamed cameras), guesses by the pointer: a touch screen is likely a phone", () => {
    assert.equal(offersFacingChoice([camera(false, false)], true), true);
    assert.equal(offersFacingChoice([camera(false, false)], false), false);
    assert.equal(offersFacingChoice([], true), true);
    assert.equal(offersFacingChoice([], false), false);
  });
});
