import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ConfigError, loadConfig } from "./config.ts";

test("defaults: the embedded stack on the usual ports", () => {
  const c = loadConfig({});
  assert.equal(c.grpcPort, 50051);
  assert.equal(c.grpcWebPort, 8080);
  assert.equal(c.detector, "mediapipe");
  assert.equal(c.corsOrigins, null, "the web app's own origins, worked out at start");
  assert.equal(c.lanHttpsPort, 8443);
  assert.equal(c.webUpstream, "http://127.0.0.1:3000");
  assert.equal(c.publicUrl, undefined);
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
  // The schema, and the sub-schemas it spreads in.
  const source = ["./config.ts", "./access/access-settings.ts", "./mqtt/mqtt-settings.ts", "./motion/motion-settings.ts"].map((f) => readFileSync(new URL(f, import.meta.url), "utf8")).join("\n");
  const known = [...source.matchAll(/^\s+(HEADCOUNT_[A-Z_]+):/gm)].map((m) => m[1]!);
  assert.deepEqual([...new Set(known)].sort(), [...new Set(serverNames)].sort());
});

test("motion gate settings: on by default, off, sensitivity in percent, forced and follow intervals in seconds", () => {
  const on = loadConfig({}).motion;
  assert.deepEqual([on.enabled, on.minChangedShare, on.forceIntervalMs, on.followIntervalMs], [true, 0.005, 2000, 500]);
  const set = loadConfig({ HEADCOUNT_MOTION_GATE: "off", HEADCOUNT_MOTION_THRESHOLD_PERCENT: "2", HEADCOUNT_MOTION_FORCE_DETECT_S: "0.5", HEADCOUNT_MOTION_FOLLOW_S: "0" }).motion;
  assert.deepEqual([set.enabled, set.minChangedShare, set.forceIntervalMs, set.followIntervalMs], [false, 0.02, 500, 0]);
  assert.throws(() => loadConfig({ HEADCOUNT_MOTION_FOLLOW_S: "6" }), /HEADCOUNT_MOTION_FOLLOW_S: must be a number from 0 to 5/);
  assert.throws(() => loadConfig({ HEADCOUNT_MOTION_THRESHOLD_PERCENT: "0" }), /HEADCOUNT_MOTION_THRESHOLD_PERCENT: must be a number from 0.01 to 100/);
  assert.throws(() => loadConfig({ HEADCOUNT_MOTION_GATE: "yes" }), /HEADCOUNT_MOTION_GATE/);
});

test("numbers are plain digits within their range; blank means default", () => {
  const invalid = (env: Record<string, string>, pattern: RegExp) => assert.throws(() => loadConfig(env), (e: Error) => e instanceof ConfigError && pattern.test(e.message));
  invalid({ HEADCOUNT_GRPC_WEB_PORT: "0x1F90" }, /HEADCOUNT_GRPC_WEB_PORT: must be a whole number from 0 to 65535 \(got "0x1F90"\)/);
  invalid({ HEADCOUNT_WORKERS: "1e3" }, /HEADCOUNT_WORKERS: must be a whole number from 1 to 64/);
  invalid({ HEADCOUNT_SCORE_THRESHOLD: "-0.5" }, /HEADCOUNT_SCORE_THRESHOLD: must be a number from 0 to 1/);
  invalid({ HEADCOUNT_MAX_FPS: "121" }, /HEADCOUNT_MAX_FPS: must be a whole number from 1 to 120/);
  // " " used to read as 0: every detection, however weak, would have counted as a person.
  assert.equal(loadConfig({ HEADCOUNT_SCORE_THRESHOLD: " " }).scoreThreshold, 0.4);
  assert.equal(loadConfig({ HEADCOUNT_GRPC_WEB_PORT: " 8081 " }).grpcWebPort, 8081);
  assert.equal(loadConfig({ HEADCOUNT_VIEWER_SIGN_IN_DAYS: "0.5" }).access.viewerTokenTtlMs, 43_200_000);
});

test("session limits fit the contract's fields and each other", () => {
  // SessionLimits carries them as uint32: a larger value broke every OpenSession with INTERNAL.
  assert.throws(() => loadConfig({ HEADCOUNT_MAX_BYTES_PER_SECOND: "5000000000" }), /HEADCOUNT_MAX_BYTES_PER_SECOND: must be a whole number from 1 to 4294967295/);
  assert.throws(() => loadConfig({ HEADCOUNT_MAX_FRAME_BYTES: "5000000000" }), /HEADCOUNT_MAX_FRAME_BYTES: must be a whole number from 1 to 67108864 \(64 MiB\)/);
  assert.throws(
    () => loadConfig({ HEADCOUNT_MAX_FRAME_BYTES: "2097152", HEADCOUNT_MAX_BYTES_PER_SECOND: "1048576" }),
    /HEADCOUNT_MAX_BYTES_PER_SECOND: must be at least HEADCOUNT_MAX_FRAME_BYTES \(2097152\)/,
  );
  assert.equal(loadConfig({ HEADCOUNT_MAX_FRAME_BYTES: "1048576", HEADCOUNT_MAX_BYTES_PER_SECOND: "1048576" }).limits.maxBytesPerSecond, 1_048_576);
});

test("CORS origins must be origins a browser can send; IPv6 hosts may come in brackets", () => {
  assert.throws(() => loadConfig({ HEADCOUNT_CORS_ORIGINS: "," }), /list at least one origin, or \* for any/);
  assert.throws(() => loadConfig({ HEADCOUNT_CORS_ORIGINS: "a.example" }), /"a.example" is not an origin like https:\/\/count.example/);
  assert.throws(() => loadConfig({ HEADCOUNT_CORS_ORIGINS: "https://a.example/app" }), /is not an origin/);
  assert.throws(() => loadConfig({ HEADCOUNT_CORS_ORIGINS: "https://a.example,*" }), /cannot be combined with a list/);
  assert.deepEqual(loadConfig({ HEADCOUNT_CORS_ORIGINS: "https://Count.example:443/, http://192.168.1.20:3000" }).corsOrigins, ["https://count.example", "http://192.168.1.20:3000"]);
  assert.equal(loadConfig({ HEADCOUNT_HOST: "[::1]" }).host, "::1");
  assert.equal(loadConfig({ HEADCOUNT_METRICS_HOST: "[::1]" }).metricsHost, "::1");
});

test("HEADCOUNT_DATABASE_URL selects PostgreSQL; unset keeps SQLite; a bad one is refused without echoing it", () => {
  assert.equal(loadConfig({}).databaseUrl, undefined);
  assert.equal(loadConfig({ HEADCOUNT_DATABASE_URL: "  " }).databaseUrl, undefined, "blank means the embedded default");
  const url = "postgres://headcount:pw@db:5432/headcount";
  assert.equal(loadConfig({ HEADCOUNT_DATABASE_URL: url }).databaseUrl, url);
  assert.equal(loadConfig({ HEADCOUNT_DATABASE_URL: "postgresql://db/headcount" }).databaseUrl, "postgresql://db/headcount");
  for (const bad of ["mysql://u:topsecret@db/x", "db:5432", "postgres://"]) {
    assert.throws(
      () => loadConfig({ HEADCOUNT_DATABASE_URL: bad }),
      (e: Error) => /HEADCOUNT_DATABASE_URL: must be a URL like postgres:\/\//.test(e.message) && !e.message.includes("topsecret"),
      bad,
    );
  }
});

test("MQTT: off unless HEADCOUNT_MQTT_URL is set; URL, prefixes and TLS checked; credentials never echoed", () => {
  assert.equal(loadConfig({}).mqtt, null);
  const c = loadConfig({ HEADCOUNT_MQTT_URL: "mqtt://192.168.1.10:1883", HEADCOUNT_MQTT_USERNAME: "hc", HEADCOUNT_MQTT_PASSWORD: "s3cret pass" });
  assert.deepEqual(c.mqtt, {
    url: "mqtt://192.168.1.10:1883",
    username: "hc",
    password: "s3cret pass",
    caFile: undefined,
    topicPrefix: "headcount",
    discoveryPrefix: "homeassistant",
    maxQueued: 1000,
  });
  const tls = loadConfig({ HEADCOUNT_MQTT_URL: "mqtts://broker.example:8883", HEADCOUNT_MQTT_CA_FILE: "/etc/ca.pem", HEADCOUNT_MQTT_TOPIC_PREFIX: "home/counts", HEADCOUNT_MQTT_DISCOVERY: "off" });
  assert.equal(tls.mqtt?.caFile, "/etc/ca.pem");
  assert.equal(tls.mqtt?.topicPrefix, "home/counts");
  assert.equal(tls.mqtt?.discoveryPrefix, null);

  for (const url of ["http://broker:1883", "broker:1883", "mqtt://broker:1883/path", "mqtt://"]) {
    assert.throws(() => loadConfig({ HEADCOUNT_MQTT_URL: url }), /HEADCOUNT_MQTT_URL: must be a broker address|without a path/, url);
  }
  assert.throws(
    () => loadConfig({ HEADCOUNT_MQTT_URL: "mqtt://hc:hunter22@broker:1883" }),
    (e: Error) => /HEADCOUNT_MQTT_USERNAME and HEADCOUNT_MQTT_PASSWORD/.test(e.message) && !e.message.includes("hunter22"),
  );
  assert.throws(
    () => loadConfig({ HEADCOUNT_MQTT_URL: "mqtt://broker", HEADCOUNT_MQTT_PASSWORD: "hunter22" }),
    (e: Error) => /HEADCOUNT_MQTT_PASSWORD: needs HEADCOUNT_MQTT_USERNAME/.test(e.message) && !e.message.includes("hunter22"),
  );
  assert.throws(() => loadConfig({ HEADCOUNT_MQTT_URL: "mqtt://broker", HEADCOUNT_MQTT_CA_FILE: "/etc/ca.pem" }), /HEADCOUNT_MQTT_CA_FILE: is for a TLS broker/);
  for (const prefix of ["counts/#", "a//b", "/headcount", "headcount/", "a+b", "with space"]) {
    assert.throws(() => loadConfig({ HEADCOUNT_MQTT_URL: "mqtt://broker", HEADCOUNT_MQTT_TOPIC_PREFIX: prefix }), /HEADCOUNT_MQTT_TOPIC_PREFIX: must be topic levels/, prefix);
  }
});

test("the LAN https origin: a port or off; the web upstream and public URL are origins", () => {
  assert.equal(loadConfig({ HEADCOUNT_LAN_HTTPS_PORT: "off" }).lanHttpsPort, null);
  assert.equal(loadConfig({ HEADCOUNT_LAN_HTTPS_PORT: "9443" }).lanHttpsPort, 9443);
  assert.throws(() => loadConfig({ HEADCOUNT_LAN_HTTPS_PORT: "on" }), /HEADCOUNT_LAN_HTTPS_PORT: must be a port number from 0 to 65535, or off/);
  assert.equal(loadConfig({ HEADCOUNT_PUBLIC_URL: "https://Headcount.lan:8443/" }).publicUrl, "https://headcount.lan:8443");
  assert.throws(() => loadConfig({ HEADCOUNT_PUBLIC_URL: "headcount.lan" }), /HEADCOUNT_PUBLIC_URL: must be an origin/);
  assert.throws(() => loadConfig({ HEADCOUNT_WEB_UPSTREAM: "https://127.0.0.1:3000" }), /HEADCOUNT_WEB_UPSTREAM: must be an http origin/);
  assert.equal(loadConfig({ HEADCOUNT_CORS_ORIGINS: "*" }).corsOrigins, "*");
  assert.equal(loadConfig({ PORT: "3100" }).webUpstream, "http://127.0.0.1:3100", "npm start's PORT is the web app's");
});
