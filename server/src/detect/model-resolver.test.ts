import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assertTflite, EFFICIENTDET_LITE0, ModelError, resolveModel, tfliteInputSize } from "./model-resolver.ts";
import type { ModelDownload } from "./model-resolver.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const modelPath = resolve(repoRoot, process.env.HEADCOUNT_MODEL ?? "../shared/models/ssd_mobilenet_v1_person.tflite");

let modelBytes: Uint8Array;
let modelSha: string;
let work: string;
let baseUrl: string;
const requests: string[] = [];
// A local stand-in for the model host: /model serves the real model bytes,
// /moved redirects to it, anything else is a 404.
const server = createServer((request, response) => {
  requests.push(request.url ?? "");
  if (request.url === "/model") {
    response.writeHead(200, { "content-length": modelBytes.length });
    response.end(modelBytes);
  } else if (request.url === "/moved") {
    response.writeHead(302, { location: "/model" }).end();
  } else {
    response.writeHead(404).end();
  }
});

before(async () => {
  modelBytes = new Uint8Array(await readFile(modelPath));
  modelSha = createHash("sha256").update(modelBytes).digest("hex");
  work = await mkdtemp(join(tmpdir(), "model-resolver-"));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((done) => server.close(done));
  await rm(work, { recursive: true, force: true });
});

function localDownload(path: string, pin: { sha256: string | undefined } = { sha256: modelSha }): ModelDownload {
  return { label: "Test model", url: `${baseUrl}${path}`, sha256: pin.sha256, fileName: "test-model.tflite" };
}

async function freshCache(): Promise<string> {
  return mkdtemp(join(work, "cache-"));
}

test("HEADCOUNT_MODEL is used as is when it is a tflite file", async () => {
  const lines: string[] = [];
  const model = await resolveModel({ modelPath, cacheDir: await freshCache(), allowDownload: true, log: (l) => lines.push(l) });
  assert.equal(model.source, modelPath);
  assert.deepEqual(model.bytes, modelBytes);
  assert.deepEqual(requests, []);
});

test("a missing, empty, non-tflite or directory HEADCOUNT_MODEL is a clear error", async () => {
  const options = { cacheDir: await freshCache(), allowDownload: true, log: () => {} };
  const junk = join(work, "junk.tflite");
  await writeFile(junk, "this is not a model, just some text");
  const empty = join(work, "empty.tflite");
  await writeFile(empty, "");
  await assert.rejects(resolveModel({ ...options, modelPath: join(work, "nope.tflite") }), (e: unknown) => e instanceof ModelError && /HEADCOUNT_MODEL=.*nope\.tflite: no such file/.test(e.message));
  await assert.rejects(resolveModel({ ...options, modelPath: junk }), (e: unknown) => e instanceof ModelError && /not a \.tflite model: no "TFL3"/.test(e.message));
  await assert.rejects(resolveModel({ ...options, modelPath: empty }), /not a \.tflite model: only 0 bytes/);
  await assert.rejects(resolveModel({ ...options, modelPath: work }), /is not a file/);
});

test("without a path, cache or permission to download, the error names HEADCOUNT_MODEL", async () => {
  const cacheDir = await freshCache();
  await assert.rejects(
    resolveModel({ cacheDir, allowDownload: false, log: () => {}, download: localDownload("/model") }),
    (e: unknown) => e instanceof ModelError && e.message.includes("HEADCOUNT_MODEL") && e.message.includes(cacheDir),
  );
  assert.deepEqual(requests, []);
});

test("downloads once with progress, checks the sha256, caches atomically, then uses the cache", async () => {
  const cacheDir = join(await freshCache(), "nested", "dir");
  const lines: string[] = [];
  const before = requests.length;
  const first = await resolveModel({ cacheDir, allowDownload: true, log: (l) => lines.push(l), download: localDownload("/moved") });
  assert.equal(first.source, `${baseUrl}/moved`);
  assert.deepEqual(first.bytes, modelBytes);
  assert.deepEqual(requests.slice(before), ["/moved", "/model"], "follows the redirect");
  assert.ok(lines.some((l) => l.includes("100%")), `a progress line reaches 100%: ${lines.join(" | ")}`);
  assert.deepEqual(await readdir(cacheDir), ["test-model.tflite"], "no partial file left behind");
  assert.deepEqual(new Uint8Array(await readFile(join(cacheDir, "test-model.tflite"))), modelBytes);

  const second = await resolveModel({ cacheDir, allowDownload: false, log: () => {}, download: localDownload("/moved") });
  assert.equal(second.source, join(cacheDir, "test-model.tflite"));
  assert.equal(requests.length, before + 2, "the cached copy is used without a request");
});

test("a download whose sha256 differs is rejected and not cached", async () => {
  const cacheDir = await freshCache();
  const wrong = "0".repeat(64);
  await assert.rejects(
    resolveModel({ cacheDir, allowDownload: true, log: () => {}, download: localDownload("/model", { sha256: wrong }) }),
    (e: unknown) => e instanceof ModelError && e.message.includes(modelSha) && e.message.includes(wrong),
  );
  assert.deepEqual(await readdir(cacheDir), []);
});

test("a cached copy with the wrong sha256 is ignored and replaced", async () => {
  const cacheDir = await freshCache();
  const tampered = new Uint8Array(modelBytes);
  tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 0xff;
  await writeFile(join(cacheDir, "test-model.tflite"), tampered);
  const lines: string[] = [];
  const model = await resolveModel({ cacheDir, allowDownload: true, log: (l) => lines.push(l), download: localDownload("/model") });
  assert.equal(model.source, `${baseUrl}/model`);
  assert.ok(lines.some((l) => l.includes("does not match")));
  assert.deepEqual(new Uint8Array(await readFile(join(cacheDir, "test-model.tflite"))), modelBytes);
});

test("an unpinned sha256 refuses to download at all", async () => {
  const cacheDir = await freshCache();
  const before = requests.length;
  await assert.rejects(
    resolveModel({ cacheDir, allowDownload: true, log: () => {}, download: localDownload("/model", { sha256: undefined }) }),
    /EFFICIENTDET_LITE0_SHA256.*HEADCOUNT_MODEL/,
  );
  assert.equal(requests.length, before);
});

test("an unreachable or failing host is a clear error that suggests HEADCOUNT_MODEL", async () => {
  await assert.rejects(
    resolveModel({ cacheDir: await freshCache(), allowDownload: true, log: () => {}, download: localDownload("/missing") }),
    (e: unknown) => e instanceof ModelError && /HTTP 404/.test(e.message) && /HEADCOUNT_MODEL/.test(e.message),
  );
  const closedPort = createServer();
  await new Promise<void>((done) => closedPort.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(closedPort.address() as AddressInfo).port}/model`;
  await new Promise((done) => closedPort.close(done));
  await assert.rejects(
    resolveModel({ cacheDir: await freshCache(), allowDownload: true, log: () => {}, download: { ...localDownload("/model"), url } }),
    /ECONNREFUSED.*HEADCOUNT_MODEL/,
  );
});

test("the default download is MediaPipe's EfficientDet-Lite0, cached under its own name", async () => {
  assert.match(EFFICIENTDET_LITE0.url, /^https:\/\/storage\.googleapis\.com\/mediapipe-models\/object_detector\/efficientdet_lite0\//);
  const cacheDir = await freshCache();
  await mkdir(cacheDir, { recursive: true });
  await writeFile(join(cacheDir, EFFICIENTDET_LITE0.fileName), modelBytes);
  // With no sha pinned, a copy the user put in the cache is accepted (it was
  // checked as a tflite); with a sha pinned it must match.
  const model = await resolveModel({ cacheDir, allowDownload: false, log: () => {} }).catch((e: unknown) => e);
  if (EFFICIENTDET_LITE0.sha256 === undefined) assert.equal((model as { source: string }).source, join(cacheDir, EFFICIENTDET_LITE0.fileName));
  else assert.ok(model instanceof ModelError);
});

test("tflite checks: identifier and input size read from the flatbuffer", () => {
  assert.doesNotThrow(() => assertTflite(modelBytes, "model"));
  assert.throws(() => assertTflite(new Uint8Array(8), "x"), /only 8 bytes/);
  assert.deepEqual(tfliteInputSize(modelBytes), { width: 300, height: 300 });
  const truncated = modelBytes.slice(0, 64);
  assert.equal(tfliteInputSize(truncated), undefined);
  assert.equal(tfliteInputSize(new Uint8Array(32)), undefined);
});
