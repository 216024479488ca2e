/**
 * envoy/envoy.yaml without Envoy: parsed against Envoy's own v3 API protos
 * (buf), then checked for what headcount needs. Deliberately broken copies
 * show that each kind of mistake is caught, with its line and column.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot } from "../support/paths.ts";
import { checkEnvoyConfig, type Contract } from "./envoy-properties.ts";
import { loadEnvoySchema, typeUrlsIn, type EnvoySchema } from "./envoy-schema.ts";

const ENVOY_YAML = join(repoRoot, "envoy/envoy.yaml");

let schema: EnvoySchema;
let text: string;
let contract: Contract;
let scratch: string;

/** The gRPC paths of the contract: package and services read from proto/headcount/v1. */
async function readContract(): Promise<Contract> {
  const dir = join(repoRoot, "proto/headcount/v1");
  const servicePaths: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith(".proto"))) {
    const proto = await readFile(join(dir, file), "utf8");
    const pkg = /^package ([\w.]+);/m.exec(proto)?.[1];
    for (const m of proto.matchAll(/^service (\w+)/gm)) servicePaths.push(`/${pkg}.${m[1]}/`);
  }
  return { servicePaths };
}

before(async () => {
  text = await readFile(ENVOY_YAML, "utf8");
  contract = await readContract();
  schema = await loadEnvoySchema(typeUrlsIn(text));
  scratch = await mkdtemp(join(tmpdir(), "envoy-copies-"));
});
after(async () => {
  await schema?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** A copy of envoy.yaml with `from` replaced by `to` (which must occur exactly once), and the 1-based line it is on. */
async function brokenCopy(name: string, from: string | RegExp, to: string): Promise<{ path: string; line: number; column: number }> {
  const pattern = typeof from === "string" ? new RegExp(from.replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g") : new RegExp(from.source, "g");
  const matches = [...text.matchAll(pattern)];
  assert.equal(matches.length, 1, `the mutation "${String(from)}" must match envoy.yaml exactly once`);
  const at = matches[0]!.index;
  const copy = text.slice(0, at) + text.slice(at).replace(new RegExp(pattern.source), to);
  const line = text.slice(0, at).split("\n").length;
  const column = at - text.lastIndexOf("\n", at - 1);
  const path = join(scratch, `${name}.yaml`);
  await writeFile(path, copy);
  return { path, line, column };
}

test("the contract has the services the gRPC route must cover", () => {
  assert.deepEqual([...contract.servicePaths].sort(), ["/headcount.v1.AccessService/", "/headcount.v1.AreaService/", "/headcount.v1.CaptureService/", "/headcount.v1.CountService/"]);
});

test("envoy.yaml parses as an Envoy v3 Bootstrap and has every property headcount needs", async () => {
  const result = await schema.convert(ENVOY_YAML);
  assert.ok(result.ok, result.ok ? "" : result.error);
  const { problems, facts } = checkEnvoyConfig(result.bootstrap, contract);
  assert.deepEqual(problems, []);
  assert.equal(facts.grpcCluster, "headcount_server");
  assert.equal(facts.webCluster, "headcount_web");
  assert.deepEqual(facts.listenerPorts.sort(), [8080, 8443]);
});

describe("a broken copy is rejected by the schema, at its line and column", { concurrency: true }, () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ["unknown field", "stream_idle_timeout: 60s\n                # Browsers", "stream_idle_timout: 60s\n                # Browsers", /unknown field "stream_idle_timout"/],
    ["wrong enum value", "lb_policy: RING_HASH", "lb_policy: RING_HASHED", /unknown enum value "RING_HASHED"/],
    ["enum in lower case", "lb_policy: RING_HASH", "lb_policy: ring_hash", /unknown enum value "ring_hash"/],
    ["wrong @type", "grpc_web.v3.GrpcWeb", "grpc_web.v3.GrpcWebb", /not found/],
    ["@type of the wrong message", "cors.v3.CorsPolicy", "cors.v3.Cors", /unknown field "allow_methods"/],
    ["bad duration", "connection_keepalive: { interval: 30s, timeout: 10s }", "connection_keepalive: { interval: 30x, timeout: 10s }", /invalid duration/],
  ];
  for (const [name, from, to, message] of cases) {
    test(name, async () => {
      const copy = await brokenCopy(name.replaceAll(" ", "-"), from, to);
      const result = await schema.convert(copy.path);
      assert.equal(result.ok, false, "the broken copy was accepted");
      const error = result.ok ? "" : result.error;
      assert.match(error, message);
      // buf names the file, line and column; the mistake is on the mutated line (or, for a field of the wrong message, below it).
      const where = new RegExp(`${copy.path.replaceAll(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:(\\d+):(\\d+)`).exec(error);
      assert.ok(where, `no file:line:column in: ${error}`);
      assert.ok(Number(where[1]) >= copy.line && Number(where[1]) <= copy.line + 12, `reported line ${where[1]}, mutated line ${copy.line}`);
      assert.ok(Number(where[2]) > 0);
    });
  }
});

describe("a copy that parses but breaks streaming, affinity or CORS fails the property checks", { concurrency: true }, () => {
  const cases: Array<[string, string | RegExp, string, RegExp]> = [
    ["route timeout removed", /\n *timeout: 0s\n/, "\n", /timeout must be 0s/],
    ["route timeout back to 15 s", "                            timeout: 0s", "                            timeout: 15s", /timeout must be 0s/],
    ["grpc_timeout_header_max removed", /\n *grpc_timeout_header_max: 0s\n/, "\n", /grpc_timeout_header_max must be 0s/],
    ["hash policy removed", /\n *hash_policy:\n *- header: \{ header_name: x-session-id \}\n/, "\n", /x-session-id header/],
    ["round robin instead of ring hash", "lb_policy: RING_HASH", "lb_policy: ROUND_ROBIN", /RING_HASH/],
    ["LOGICAL_DNS instead of STRICT_DNS", "type: STRICT_DNS\n      dns_lookup_family: V4_ONLY\n      dns_refresh_rate: 5s\n      connect_timeout: 2s\n      lb_policy: RING_HASH", "type: LOGICAL_DNS\n      dns_lookup_family: V4_ONLY\n      dns_refresh_rate: 5s\n      connect_timeout: 2s\n      lb_policy: RING_HASH", /STRICT_DNS/],
    ["stream_idle_timeout left to its default", /\n *stream_idle_timeout: 60s\n/, "\n", /stream_idle_timeout must be set/],
    ["stream_idle_timeout shorter than count snapshots", "stream_idle_timeout: 60s", "stream_idle_timeout: 4s", /would reset count streams/],
    ["x-session-id not exposed", "grpc-status-details-bin, x-session-id\"", "grpc-status-details-bin\"", /expose_headers lacks x-session-id/],
    ["x-session-id not allowed", "authorization, x-session-id,", "authorization,", /allow_headers lacks x-session-id/],
    ["admin on every interface", "socket_address: { address: 127.0.0.1, port_value: 9901 }", "socket_address: { address: 0.0.0.0, port_value: 9901 }", /admin must be bound to 127.0.0.1/],
    ["upstream HTTP/1.1", /explicit_http_config:\n *http2_protocol_options:\n *# [^\n]*\n *connection_keepalive: \{ interval: 30s, timeout: 10s \}/, "explicit_http_config:\n            http_protocol_options: {}", /upstream must be HTTP\/2/],
    ["CORS open to every origin", "                              allow_methods: \"POST, OPTIONS\"", "                              allow_origin_string_match:\n                                - safe_regex: { regex: \".*\" }\n                              allow_methods: \"POST, OPTIONS\"", /must not allow every origin/],
    ["cors filter missing", /\n *- name: envoy\.filters\.http\.cors\n *typed_config:\n *"@type": [^\n]*\.Cors\n/, "\n", /envoy\.filters\.http\.cors missing/],
    ["health checks removed", /\n *health_checks:\n(?: {8,}[^\n]*\n)+? *tcp_health_check: \{\}\n/, "\n", /health_checks missing/],
    ["health checks too slow to drop a dead replica", "interval: 2s\n          unhealthy_threshold: 2", "interval: 10s\n          unhealthy_threshold: 3", /finds a dead replica after 31 s/],
    ["outlier detection removed", /\n *# Between checks[^\n]*\n *outlier_detection:\n(?: {8}[^\n]*\n)+/, "\n", /outlier_detection missing/],
    ["outlier detection ejecting too few", "max_ejection_percent: 100", "max_ejection_percent: 10", /max_ejection_percent must be 100/],
    ["catch-all route before the gRPC route", /(\n *# Every gRPC service)/, "\n                        - match: { prefix: \"/\" }\n                          route: { cluster: headcount_web }$1", /never matches/],
  ];
  for (const [name, from, to, problem] of cases) {
    test(name, async () => {
      const copy = await brokenCopy(name.replaceAll(/\W+/g, "-"), from, to);
      const result = await schema.convert(copy.path);
      assert.ok(result.ok, `the copy should still parse: ${result.ok ? "" : result.error}`);
      const { problems } = checkEnvoyConfig(result.bootstrap, contract);
      assert.ok(problems.some((p) => problem.test(p)), `expected a problem matching ${problem}, got ${JSON.stringify(problems)}`);
    });
  }
});
