import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CAMERA_ID_KEY,
  CAMERA_NAME_KEY,
  generateCameraId,
  isValidCameraId,
  loadCameraIdentity,
  saveCameraName,
} from "./camera-identity.ts";
import type { KeyValueStore } from "./camera-identity.ts";

/** A fake localStorage backed by a Map. */
function fakeStore(initial: Record<string, string> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}
const bytes = (values: number[]) => () => Uint8Array.from(values);

describe("generateCameraId", () => {
  it("is cam- plus 8 base32 characters", () => {
    assert.equal(generateCameraId(bytes([0, 1, 2, 25, 26, 31, 32, 255])), "cam-abcz27a7");
    assert.match(generateCameraId(), /^cam-[a-z2-7]{8}$/);
    assert.ok(isValidCameraId(generateCameraId()));
  });
});

describe("loadCameraIdentity", () => {
  it("generates and remembers an id on the first visit", () => {
    const store = fakeStore();
    const first = loadCameraIdentity(store, {}, bytes([0, 0, 0, 0, 0, 0, 0, 0]));
    assert.equal(first.cameraId, "cam-aaaaaaaa");
    assert.equal(store.data.get(CAMERA_ID_KEY), "cam-aaaaaaaa");
    const second = loadCameraIdentity(store, {}, bytes([1, 1, 1, 1, 1, 1, 1, 1]));
    assert.equal(second.cameraId, "cam-aaaaaaaa");
  });

  it("lets a pairing link override id and name, and remembers them", () => {
    const store = fakeStore({ [CAMERA_ID_KEY]: "cam-old", [CAMERA_NAME_KEY]: "Old" });
    const paired = loadCameraIdentity(store, { camera: "Front-Door", name: " Front door " });
    assert.deepEqual(paired, { cameraId: "front-door", cameraName: "Front door", captureToken: null, warning: null });
    assert.deepEqual(loadCameraIdentity(store, {}), { cameraId: "front-door", cameraName: "Front door", captureToken: null, warning: null });
  });

  it("ignores an invalid id from the link with a warning and keeps the stored one", () => {
    const store = fakeStore({ [CAMERA_ID_KEY]: "cam-kept" });
    const identity = loadCameraIdentity(store, { camera: "no spaces!" });
    assert.equal(identity.cameraId, "cam-kept");
    assert.match(identity.warning ?? "", /Ignored camera id "no spaces!"/);
  });

  it("replaces a corrupt stored id and works without storage", () => {
    assert.match(loadCameraIdentity(fakeStore({ [CAMERA_ID_KEY]: "BAD ID" }), {}).cameraId, /^cam-/);
    assert.match(loadCameraIdentity(null, {}).cameraId, /^cam-/);
  });

  it("saves an edited name trimmed", () => {
    const store = fakeStore();
    saveCameraName(store, "  Lobby  ");
    assert.equal(store.data.get(CAMERA_NAME_KEY), "Lobby");
  });
});
