import assert from "node:assert/strict";
import { test } from "node:test";
import { newToken } from "../../server/src/access/bearer-credential.ts";
import { loadConfig } from "../../server/src/config.ts";
import { CAMERA_ID_PATTERN as SERVER_CAMERA_ID } from "../../server/src/session/session-registry.ts";
import { CAMERA_ID_PATTERN as WEB_CAMERA_ID, TOKEN_PATTERN as WEB_TOKEN } from "../../web/lib/capture/camera-identity.ts";

// The capture page checks ids and tokens before it stores them: what it keeps must be what the
// server accepts, or the page retries a refused OpenSession for ever (a "-door" id did).
const ids = ["front-door", "cam-abcd1234", "a", "0", "a".repeat(64), "a".repeat(65), "-door", "_lobby", "Front", "x y", "", "door/1"];

test("the capture page accepts exactly the camera ids the server accepts", () => {
  for (const id of ids) assert.equal(WEB_CAMERA_ID.test(id), SERVER_CAMERA_ID.test(id), JSON.stringify(id));
});

test("the capture page keeps every capture credential the server issues or can be configured with", () => {
  for (const prefix of ["hp_", "hl_", "hs_"]) {
    const token = newToken(prefix);
    assert.ok(WEB_TOKEN.test(token), `issued token ${prefix}...`);
  }
  const shared = "Shared.token~with+all/allowed=chars-0123";
  assert.equal(loadConfig({ HEADCOUNT_CAPTURE_TOKEN: shared }).access.captureToken, shared);
  assert.ok(WEB_TOKEN.test(shared));
});
