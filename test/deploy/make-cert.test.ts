/**
 * envoy/make-cert.sh (openssl): a local CA and a server certificate that a
 * real TLS client accepts for the names given, and only for them; the CA is
 * kept across re-runs; and the files are the ones envoy.yaml reads.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import tls from "node:tls";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { repoRoot } from "../support/paths.ts";

const script = join(repoRoot, "envoy/make-cert.sh");
let out: string;

async function makeCert(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)("bash", [script, "--out", out, ...args]);
  return stdout;
}
const pem = (path: string) => readFile(join(out, path), "utf8");

before(async () => {
  out = await mkdtemp(join(tmpdir(), "make-cert-"));
  await makeCert("headcount.lan", "192.168.1.20");
});
after(() => rm(out, { recursive: true, force: true }));

/** Completes a TLS handshake with a server using the made certificate; resolves with the client's verdict. */
async function handshake(servername: string | undefined): Promise<"trusted" | string> {
  const server = tls.createServer({ cert: await pem("certs/server.crt"), key: await pem("certs/server.key") }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const ca = await pem("ca/ca.crt");
  try {
    return await new Promise((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: [ca], ...(servername ? { servername } : {}) }, () => {
        socket.end();
        resolve("trusted");
      });
      socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } finally {
    server.close();
  }
}

test("the CA is a CA; the server certificate is signed by it, for serverAuth, within Apple's 825-day limit", async () => {
  const caPem = await pem("ca/ca.crt");
  const ca = new X509Certificate(caPem);
  const server = new X509Certificate(await pem("certs/server.crt"));
  assert.equal(ca.ca, true);
  assert.equal(server.ca, false);
  assert.equal(server.verify(ca.publicKey), true);
  assert.ok(server.keyUsage?.includes("1.3.6.1.5.5.7.3.1"), "extended key usage serverAuth");
  const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000;
  assert.ok(days <= 825, `valid ${days} days`);
  assert.equal(await pem("certs/ca.crt"), caPem, "the copy Envoy serves at /ca.crt is the CA");
});

test("names: the given ones plus localhost and 127.0.0.1, and no other", async () => {
  const server = new X509Certificate(await pem("certs/server.crt"));
  assert.equal(server.checkHost("headcount.lan"), "headcount.lan");
  assert.equal(server.checkIP("192.168.1.20"), "192.168.1.20");
  assert.equal(server.checkHost("localhost"), "localhost");
  assert.equal(server.checkIP("127.0.0.1"), "127.0.0.1");
  assert.equal(server.checkHost("other.lan"), undefined);
  assert.equal(server.checkIP("192.168.1.21"), undefined);
});

test("a TLS client that trusts the CA accepts the certificate for a given name, and refuses another name", async () => {
  assert.equal(await handshake("headcount.lan"), "trusted");
  assert.equal(await handshake(undefined), "trusted", "by IP: 127.0.0.1");
  assert.equal(await handshake("other.lan"), "ERR_TLS_CERT_ALTNAME_INVALID");
});

test("keys: the CA's is private to its owner; the server's is readable by Envoy's user", async () => {
  assert.equal((await stat(join(out, "ca/ca.key"))).mode & 0o777, 0o600);
  assert.equal((await stat(join(out, "certs/server.key"))).mode & 0o777, 0o644);
});

test("re-running with other names keeps the CA and reissues the server certificate; --if-missing keeps both", async () => {
  const caBefore = await pem("ca/ca.crt");
  await makeCert("192.168.1.30");
  const reissued = new X509Certificate(await pem("certs/server.crt"));
  assert.equal(await pem("ca/ca.crt"), caBefore);
  assert.equal(reissued.checkIP("192.168.1.30"), "192.168.1.30");
  assert.equal(reissued.checkIP("192.168.1.20"), undefined);
  const serverBefore = await pem("certs/server.crt");
  assert.match(await makeCert("--if-missing", "10.0.0.1"), /nothing to do/);
  assert.equal(await pem("certs/server.crt"), serverBefore);
});

test("it writes every certificate file envoy.yaml reads from the mounted folder", async () => {
  const envoyYaml = await readFile(join(repoRoot, "envoy/envoy.yaml"), "utf8");
  const files = [...envoyYaml.matchAll(/filename: \/etc\/envoy\/certs\/([\w.]+)/g)].map((m) => m[1]!);
  assert.deepEqual([...new Set(files)].sort(), ["ca.crt", "server.crt", "server.key"]);
  for (const file of files) await stat(join(out, "certs", file));
});
