import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadCameraIdentity } from "../capture/camera-identity.ts";
import { pairingUrl, shortLinkText, takeLinkToken } from "./pairing-link.ts";

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
    assert.deepEqual(identity, { cameraId: "cam-abcd2345", cameraName: "Hall", captureToken: null, warning: null });
  });

  it("carries the pairing token, which the capture page remembers for that camera only, and hides it when shown", () => {
    const url = pairingUrl("http://localhost:3000", "cam-abcd2345", "Hall", "hp_0123456789abcdefghij");
    assert.equal(url, "http://localhost:3000/capture?camera=cam-abcd2345&name=Hall#token=hp_0123456789abcdefghij", "in the fragment, which no server sees");
    assert.equal(shortLinkText(url), "localhost:3000/capture?camera=cam-abcd2345&name=Hall#token=…");
    const query = new URL(url).searchParams;
    const taken = takeLinkToken(url);
    assert.equal(taken.cleanUrl, "http://localhost:3000/capture?camera=cam-abcd2345&name=Hall");
    const stored = new Map<string, string>();
    const store = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
    const first = loadCameraIdentity(store, { camera: query.get("camera") ?? undefined, token: taken.token });
    assert.equal(first.captureToken, "hp_0123456789abcdefghij");
    // A later visit without the link keeps it; a link for another camera without a token does not inherit it.
    assert.equal(loadCameraIdentity(store, {}).captureToken, "hp_0123456789abcdefghij");
    assert.equal(loadCameraIdentity(store, { camera: "cam-other234" }).captureToken, null);
    const bad = loadCameraIdentity(store, { camera: "cam-abcd2345", token: "short" });
    assert.match(bad.warning ?? "", /Ignored the pairing token/);
  });
});

describe("takeLinkToken", () => {
  it("takes the token from the fragment or from an older link's query, and strips it", () => {
    assert.deepEqual(takeLinkToken("https://h:8443/capture?camera=a#token=t1&x=1"), { token: "t1", cleanUrl: "https://h:8443/capture?camera=a#x=1" });
    assert.deepEqual(takeLinkToken("https://h:8443/capture?camera=a&token=t2&autostart=1"), { token: "t2", cleanUrl: "https://h:8443/capture?camera=a&autostart=1" });
    assert.deepEqual(takeLinkToken("https://h:8443/capture?camera=a"), { token: undefined, cleanUrl: "https://h:8443/capture?camera=a" });
  });
});
