import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ConfigError, loadConfig } from "./config.ts";

test("defaults: the embedded stack on the usual ports", () => {
  const c = loadConfig({});
  assert.equal(c.grpcPort, 50051);
  assert.equal(c.grpcWebPort, 8080);
  assert.equal(c.detector, "mediapipe");
  assert.equal(c.corsOrigins, "*");
  assert.ok(c.workers >= 1);
});

test("values are parsed and checked", () => {
  const c = loadConfig({ HEADCOUNT_GRPC_PORT: "6000", HEADCOUNT_GRPC_WEB: "off", HEADCOUNT_CORS_ORIGINS: "https://a.example, https://b.example", PATH: "/bin" });
  assert.equal(c.grpcPort, 6000);
  assert.equal(c.grpcWebPort, null);
  assert.deepEqual(c.corsOrigins, ["https://a.example", "https://b.example"]);
  assert.equal(c.crossings, "every");
  assert.equal(loadConfig({ HEADCOUNT_CROSSINGS: "once" }).crossings, "once");
  assert.throws(() => loadConfig({ HEADCOUNT_CROSSINGS: "twice" }), /HEADCOUNT_CROSSINGS/);
});

test("an unknown HEADCOUNT_ variable is rejected by name", () => {
  assert.throws(() => loadConfig({ HEADCOUNT_GRPC_PROT: "1" }), (e: Error) => e instanceof ConfigError && /unknown setting\(s\) HEADCOUNT_GRPC_PROT/.test(e.message));
});

test("every bad value is reported readably, all at once", () => {
  assert.throws(
    () => loadConfig({ HEADCOUNT_GRPC_PORT: "70000", HEADCOUNT_DETECTOR: "yolo" }),
    (e: Error) => /HEADCOUNT_GRPC_PORT/.test(e.message) && /HEADCOUNT_DETECTOR/.test(e.message) && /"yolo"/.test(e.message),
  );
});

test("access: capture needs a credential and metrics stay on loopback by default; secrets are never echoed", () => {
  const c = loadConfig({});
  assert.deepEqual(c.access, { captureAuth: true, captureToken: undefined, viewerPassword: undefined, viewerTokenTtlMs: 30 * 86_400_000 });
  assert.equal(c.metricsHost, "127.0.0.1");
  assert.throws(
    () => loadConfig({ HEADCOUNT_VIEWER_PASSWORD: "hunter2", HEADCOUNT_CAPTURE_TOKEN: "tiny" }),
    (e: Error) =>
      /HEADCOUNT_VIEWER_PASSWORD: use at least 8 characters \(got a value of 7 characters, not shown\)/.test(e.message) &&
      /HEADCOUNT_CAPTURE_TOKEN: use at least 16 characters/.test(e.message) &&
      !e.message.includes("hunter2") &&
      !e.message.includes("tiny"),
  );
});

test(".env.example lists every server variable and nothing unknown", () => {
  const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
  const names = [...example.matchAll(/^(HEADCOUNT_[A-Z_]+)=/gm)].map((m) => m[1]!);
  const serverNames = names.filter((n) => n !== "HEADCOUNT_GRPC_WEB_URL");
  // Every listed name is accepted (with an empty value = default)...
  loadConfig(Object.fromEntries(serverNames.map((n) => [n, ""])));
  // ...and every name the schema knows is listed: feed each a bad value and see it named.
  const source = readFileSync(new URL("./config.ts", import.meta.url), "utf8");
  const known = [...source.matchAll(/^\s+(HEADCOUNT_[A-Z_]+):/gm)].map((m) => m[1]!);
  assert.deepEqual([...new Set(known)].sort(), [...new Set(serverNames)].sort());
});
