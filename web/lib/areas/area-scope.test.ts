import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { areaScope, scopeFields } from "./area-scope.ts";

describe("history scope", () => {
  it("splits an area's select value into area_id, and leaves cameras and all alone", () => {
    assert.deepEqual(scopeFields(areaScope("x1")), { cameraId: "", areaId: "x1" });
    assert.deepEqual(scopeFields("area:x1"), { cameraId: "area:x1" }, "a camera may be called area:x1");
    assert.deepEqual(scopeFields(""), { cameraId: "" });
  });
});
