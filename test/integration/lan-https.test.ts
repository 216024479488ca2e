import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { connect, type TLSSocket } from "node:tls";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Writable } from "node:stream";
import { TLS_DIR, ensureLanCertificates } from "../../server/src/edge/local-ca.ts";
import { createLogger } from "../../server/src/logger.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

/** Connects with Node's TLS client; resolves with the verified socket's peer, rejects with the verification error. */
function tlsConnect(port: number, options: { ca?: string; servername?: string }): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ...options, rejectUnauthorized: true }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** A CORS preflight of a gRPC-Web call from `origin`, as a browser sends it. */
async function preflight(url: string, origin: string): Promise<Response> {
  return fetch(`${url}/headcount.v1.AccessService/PairCamera`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-grpc-web,authorization" },
  });
}

describe("the LAN https origin: a local CA made on first start, a certificate for this machine, /ca.crt on plain http", () => {
  let ts: TestServer;
  const logLines: string[] = [];
  before(async () => {
    const log = createLogger("info", new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) }));
    ts = await startTestServer({ config: { lanHttpsPort: 0, webUpstream: "http://127.0.0.1:3999" }, log });
  });
  after(async () => ts?.stop());

  test("Node's TLS client given only the CA connects; without it the certificate is refused", async () => {
    const ca = await (await fetch(`${ts.grpcWebUrl}/ca.crt`)).text();
    assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(ca, readFileSync(join(ts.config.dataDir, TLS_DIR, "ca.crt"), "utf8"), "/ca.crt serves the CA of the data directory");
    assert.ok(new X509Certificate(ca).ca, "a CA certificate");
    for (const servername of [undefined, "localhost"]) {
      const socket = await tlsConnect(ts.httpsPort!, { ca, servername });
      assert.equal(socket.authorized, true);
      const cert = socket.getPeerX509Certificate()!;
      assert.ok(cert.checkIssued(new X509Certificate(ca)), "signed by the local CA");
      assert.match(cert.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
      assert.match(cert.subjectAltName ?? "", /DNS:localhost/);
      socket.destroy();
    }
    await assert.rejects(tlsConnect(ts.httpsPort!, {}), (e: NodeJS.ErrnoException) => /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/.test(String(e.code)));
    const key = (name: string) => statSync(join(ts.config.dataDir, TLS_DIR, name)).mode & 0o777;
    assert.equal(key("ca.key"), 0o600);
    assert.equal(key("server.key"), 0o600);
  });

  test("the start-up log names the https URL other devices open", () => {
    const line = logLines.map((l) => JSON.parse(l) as { msg: string; url?: string }).find((l) => l.url !== undefined && /LAN https origin/.test(l.msg));
    assert.ok(line, logLines.join(""));
    assert.equal(line.url, `https://127.0.0.1:${ts.httpsPort}`);
    assert.match(line.msg, new RegExp(`https://127\\.0\\.0\\.1:${ts.httpsPort}/`));
  });

  test("CORS by default: the web app's own origins (http :web port, https :LAN port) are allowed, a foreign origin is refused", async () => {
    for (const origin of ["http://127.0.0.1:3999", "http://localhost:3999", `https://127.0.0.1:${ts.httpsPort}`, `https://localhost:${ts.httpsPort}`]) {
      const res = await preflight(ts.grpcWebUrl, origin);
      assert.equal(res.status, 204, origin);
      assert.equal(res.headers.get("access-control-allow-origin"), origin);
    }
    for (const origin of ["http://evil.example", "http://127.0.0.1:8000", "https://127.0.0.1:3999", "null"]) {
      const res = await preflight(ts.grpcWebUrl, origin);
      assert.equal(res.status, 403, origin);
      assert.equal(res.headers.get("access-control-allow-origin"), null, origin);
    }
  });

  test("pairing answers carry the https origin other devices open and where the CA is", async () => {
    const answer = await ts.web().access.pairCamera({ cameraId: "door", cameraName: "Door" }).response;
    assert.equal(answer.deviceBaseUrl, `https://127.0.0.1:${ts.httpsPort}`);
    assert.equal(answer.caCertificateUrl, `${ts.grpcWebUrl}/ca.crt`);
  });

  test("the certificate is kept across starts and re-issued when the machine's addresses change", () => {
    const dir = join(ts.config.dataDir, TLS_DIR);
    const before = readFileSync(join(dir, "server.crt"), "utf8");
    const names = JSON.parse(readFileSync(join(dir, "server.names"), "utf8")) as string[];
    const same = ensureLanCertificates(ts.config.dataDir, names, "unused");
    assert.equal(same.renewal, null);
    assert.equal(readFileSync(join(dir, "server.crt"), "utf8"), before);
    const moved = ensureLanCertificates(ts.config.dataDir, [...names, "10.9.8.7"], "unused");
    assert.equal(moved.renewal, "addresses changed");
    assert.equal(moved.created.ca, false, "the CA devices trust stays");
    assert.match(new X509Certificate(readFileSync(join(dir, "server.crt"))).subjectAltName ?? "", /IP Address:10\.9\.8\.7/);
    assert.equal(statSync(join(dir, "server.key")).mode & 0o777, 0o600);
  });
});

test("HEADCOUNT_CORS_ORIGINS=* allows any origin, only when set, with a warning at start", async () => {
  const lines: string[] = [];
  const log = createLogger("info", new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const ts = await startTestServer({ config: { corsOrigins: "*" }, log });
  try {
    assert.equal((await preflight(ts.grpcWebUrl, "http://evil.example")).status, 204);
    assert.ok(lines.some((l) => /"level":40/.test(l) && /HEADCOUNT_CORS_ORIGINS=\*/.test(l)), lines.join(""));
  } finally {
    await ts.stop();
  }
});

test("without the openssl command the server still starts, without the LAN https origin, and says why", async () => {
  const lines: string[] = [];
  const log = createLogger("info", new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const path = process.env.PATH;
  process.env.PATH = "/nonexistent";
  let ts: TestServer | undefined;
  try {
    ts = await startTestServer({ config: { lanHttpsPort: 0 }, log });
  } finally {
    process.env.PATH = path;
  }
  try {
    assert.equal(ts.httpsPort, null);
    assert.ok(lines.some((l) => /"level":40/.test(l) && /the openssl command is not installed.*LAN https origin is off/.test(l)), lines.join(""));
    assert.equal((await ts.web().access.pairCamera({ cameraId: "door", cameraName: "" }).response).deviceBaseUrl, "");
  } finally {
    await ts.stop();
  }
});
