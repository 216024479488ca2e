import assert from "node:assert/strict";
import { test } from "node:test";
import { bearerOf, sameSecret, sha256Hex } from "./bearer-credential.ts";
import { checkViewerToken, signViewerToken, viewerKey } from "./viewer-token.ts";

const key = viewerKey("server-secret", "password one");

test("a viewer token is valid until its expiry and only under the key that signed it", () => {
  const token = signViewerToken(key, 10_000);
  assert.match(token, /^v1\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(checkViewerToken(key, token, 9_999), null);
  assert.equal(checkViewerToken(key, token, 10_000), "expired");
  assert.equal(checkViewerToken(viewerKey("server-secret", "password two"), token, 0), "bad-signature", "a new password signs everybody out");
  assert.equal(checkViewerToken(viewerKey("other-secret", "password one"), token, 0), "bad-signature");
});

test("a changed expiry, a cut signature or another shape is refused", () => {
  const token = signViewerToken(key, 10_000);
  const [, , mac] = token.split(".");
  assert.equal(checkViewerToken(key, `v1.${(20_000).toString(36)}.${mac}`, 0), "bad-signature");
  assert.equal(checkViewerToken(key, token.slice(0, -1), 0), "bad-signature");
  for (const bad of ["", "v1", "v2.abc.def", "v1.ABC.def", "v1..x", "v1.a.b.c"]) assert.equal(checkViewerToken(key, bad, 0), "malformed", bad);
});

test("bearerOf reads only a well-formed `Bearer <token>` header", () => {
  assert.equal(bearerOf({ authorization: "Bearer abc.DEF_-~+/=" }), "abc.DEF_-~+/=");
  assert.equal(bearerOf({ authorization: "bearer abc" }), "abc");
  assert.equal(bearerOf({ authorization: ["Bearer first", "Bearer second"] }), "first");
  for (const v of [undefined, "", "Basic abc", "Bearer", "Bearer a b", `Bearer ${"x".repeat(513)}`]) assert.equal(bearerOf({ authorization: v }), undefined, String(v));
});

test("sameSecret compares whole values; sha256Hex is the stored form", () => {
  assert.equal(sameSecret("abc", "abc"), true);
  assert.equal(sameSecret("abc", "abd"), false);
  assert.equal(sameSecret("abc", "abcd"), false);
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});
