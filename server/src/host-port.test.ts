import assert from "node:assert/strict";
import { test } from "node:test";
import { hostPort, unbracketed } from "./host-port.ts";

test("IPv6 addresses are bracketed in host:port, whether or not they came bracketed; names and IPv4 are not", () => {
  assert.equal(hostPort("::", 50051), "[::]:50051");
  assert.equal(hostPort("::1", 8080), "[::1]:8080");
  assert.equal(hostPort("[::1]", 8080), "[::1]:8080");
  assert.equal(hostPort("0.0.0.0", 0), "0.0.0.0:0");
  assert.equal(hostPort("server", 50051), "server:50051");
  assert.equal(unbracketed("[fe80::1]"), "fe80::1");
  assert.equal(unbracketed("127.0.0.1"), "127.0.0.1");
});
