import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseGrpcWebSetting, readGrpcWebSetting, resolveGrpcWebUrl } from "./grpc-web-url.ts";

const phone = { protocol: "https:", hostname: "192.168.1.20", origin: "https://192.168.1.20:3000" };

describe("parseGrpcWebSetting", () => {
  it("treats unset, empty and blank as the default", () => {
    assert.deepEqual(parseGrpcWebSetting(undefined), { kind: "default" });
    assert.deepEqual(parseGrpcWebSetting(""), { kind: "default" });
    assert.deepEqual(parseGrpcWebSetting("   "), { kind: "default" });
  });

  it("recognizes same-origin in any case", () => {
    assert.deepEqual(parseGrpcWebSetting("same-origin"), { kind: "same-origin" });
    assert.deepEqual(parseGrpcWebSetting(" Same-Origin "), { kind: "same-origin" });
  });

  it("keeps an absolute URL with its path but without a trailing slash", () => {
    assert.deepEqual(parseGrpcWebSetting("https://counts.example.org/"), { kind: "url", url: "https://counts.example.org" });
    assert.deepEqual(parseGrpcWebSetting("http://10.0.0.5:8080/grpc/"), { kind: "url", url: "http://10.0.0.5:8080/grpc" });
  });

  it("rejects relative URLs, other schemes and queries with a reason", () => {
    for (const raw of ["localhost:8080", "/grpc", "ws://host:8080", "https://host/?a=1"]) {
      const setting = parseGrpcWebSetting(raw);
      assert.equal(setting.kind, "invalid", raw);
    }
  });

  it("reads HEADCOUNT_GRPC_WEB_URL from the given environment", () => {
    assert.deepEqual(readGrpcWebSetting({ HEADCOUNT_GRPC_WEB_URL: "same-origin" }), { kind: "same-origin" });
    assert.deepEqual(readGrpcWebSetting({}), { kind: "default" });
  });
});

describe("resolveGrpcWebUrl", () => {
  it("uses the page's own origin by default on an https page (the server's LAN https origin or Envoy serve gRPC-Web there)", () => {
    assert.deepEqual(resolveGrpcWebUrl({ kind: "default" }, { protocol: "https:", hostname: "192.168.1.20", origin: "https://192.168.1.20:8443" }), { ok: true, url: "https://192.168.1.20:8443" });
  });

  it("uses the page's host on port 8080 by default on an http page", () => {
    assert.deepEqual(resolveGrpcWebUrl({ kind: "default" }, { protocol: "http:", hostname: "192.168.1.20", origin: "http://192.168.1.20:3000" }), { ok: true, url: "http://192.168.1.20:8080" });
  });

  it("brackets IPv6 hosts", () => {
    const v6 = { protocol: "http:", hostname: "::1", origin: "http://[::1]:3000" };
    assert.deepEqual(resolveGrpcWebUrl({ kind: "default" }, v6), { ok: true, url: "http://[::1]:8080" });
  });

  it("uses the page's origin for same-origin and the URL as given otherwise", () => {
    assert.deepEqual(resolveGrpcWebUrl({ kind: "same-origin" }, phone), { ok: true, url: "https://192.168.1.20:3000" });
    assert.deepEqual(resolveGrpcWebUrl({ kind: "url", url: "http://x:1" }, phone), { ok: true, url: "http://x:1" });
  });

  it("turns an invalid setting into a message naming the variable", () => {
    const result = resolveGrpcWebUrl(parseGrpcWebSetting("ftp://x"), phone);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.message, /HEADCOUNT_GRPC_WEB_URL="ftp:\/\/x"/);
  });
});
