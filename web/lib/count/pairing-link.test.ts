import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadCameraIdentity } from "../capture/camera-identity.ts";
import { pairingUrl, shortLinkText } from "./pairing-link.ts";

describe("pairingUrl", () => {
  it("opens the capture page bound to the camera and its name", () => {
    const url = pairingUrl("http://192.168.1.20:3000/", "cam-abcd2345", "  Front door & hall ");
    assert.equal(url, "http://192.168.1.20:3000/capture?camera=cam-abcd2345&name=Front+door+%26+hall");
    assert.equal(shortLinkText(url), "192.168.1.20:3000/capture?camera=cam-abcd2345&name=Front+door+%26+hall");
  });

  it("leaves out a blank name", () => {
    assert.equal(pairingUrl("https://counts.example", "hall", "  "), "https://counts.example/capture?camera=hall");
  });

  it("is read back by the capture page's identity loader", () => {
    const query = new URL(pairingUrl("http://localhost:3000", "cam-abcd2345", "Hall")).searchParams;
    const identity = loadCameraIdentity(null, { camera: query.get("camera") ?? undefined, name: query.get("name") ?? undefined });
    assert.deepEqual(identity, { cameraId: "cam-abcd2345", cameraName: "Hall", warning: null });
  });
});
