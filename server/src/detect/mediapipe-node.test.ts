/**
 * Smoke and privacy tests for the Node shim. If a `@mediapipe/tasks-vision`
 * bump breaks a fact `mediapipe-node.ts` relies on, these fail first.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createMediaPipeDetector } from "./mediapipe-detector.ts";
import { loadMediaPipeVision, NETWORK_REFUSED } from "./mediapipe-node.ts";
import { TextureOnlyCanvas } from "./texture-only-webgl.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const modelPath = resolve(repoRoot, process.env.HEADCOUNT_MODEL ?? "../shared/models/ssd_mobilenet_v1_person.tflite");
const blank = { width: 300, height: 300, data: new Uint8Array(300 * 300 * 4).fill(128) };

test("create, detect, close, and create again in the same thread (wasm loader cached)", async () => {
  const model = new Uint8Array(await readFile(modelPath));
  const first = await createMediaPipeDetector({ model, scoreThreshold: 0.5, maxResults: 5 });
  const second = await createMediaPipeDetector({ model, scoreThreshold: 0.5, maxResults: 5 });
  try {
    assert.deepEqual(first.detect(blank, 1), [], "a flat grey frame has nobody in it");
    assert.deepEqual(second.detect(blank, 1), []);
    first.close();
    assert.throws(() => first.detect(blank, 2), /closed/);
    assert.deepEqual(second.detect(blank, 2), [], "closing one task leaves the other working");
  } finally {
    first.close();
    second.close();
  }
  const third = await createMediaPipeDetector({ model, scoreThreshold: 0.5, maxResults: 5 });
  third.close();
});

test("a broken model is reported as a model problem and leaves no timer behind", async () => {
  const junk = new Uint8Array(4096);
  junk.set([0, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]); // "TFL3" but nothing behind it
  // Watch the bundle's 60 s statistics timers through the globals it calls.
  const realSet = globalThis.setInterval;
  const realClear = globalThis.clearInterval;
  const running = new Set<unknown>();
  let started = 0;
  globalThis.setInterval = ((...args: unknown[]) => {
    const timer: unknown = Reflect.apply(realSet, globalThis, args);
    if (args[1] === 60_000) (started++, running.add(timer));
    return timer;
  }) as typeof setInterval;
  globalThis.clearInterval = ((timer?: Parameters<typeof clearInterval>[0]) => {
    running.delete(timer);
    realClear(timer);
  }) as typeof clearInterval;
  try {
    await assert.rejects(createMediaPipeDetector({ model: junk, scoreThreshold: 0.5, maxResults: 5 }), /could not load the person detection model/);
  } finally {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
  }
  assert.equal(started, 1, "the bundle started its statistics timer before failing");
  assert.equal(running.size, 0, "and it was stopped, so it cannot hold the thread open");
  await assert.rejects(createMediaPipeDetector({ model: new Uint8Array(64), scoreThreshold: 0.5, maxResults: 5 }), /not a \.tflite model/);
});

test("the WebGL stand-in serves exactly the texture round trip and rejects anything else", () => {
  const canvas = new TextureOnlyCanvas();
  assert.equal(canvas.getContext("webgl"), null, "WebGL 1 is not offered");
  const gl = canvas.getContext("webgl2");
  assert.ok(gl);
  assert.equal(canvas.getContext("webgl2"), gl, "one context per canvas");
  const texture = gl.createTexture();
  gl.activeTexture(gl.TEXTURE0);
  gl.bindTexture(gl.TEXTURE_2D, texture);
  const data = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => i);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, { width: 3, height: 2, data });
  const framebuffer = gl.createFramebuffer();
  gl.bindFramebuffer(0x8d40, framebuffer);
  gl.framebufferTexture2D(0x8d40, 0x8ce0, gl.TEXTURE_2D, texture);
  const heap = new Uint8Array(64);
  gl.readPixels(0, 0, 3, 2, gl.RGBA, gl.UNSIGNED_BYTE, heap, 8);
  assert.deepEqual(heap.subarray(8, 32), data, "reads back what was uploaded, at the heap offset");
  gl.readPixels(1, 1, 2, 1, gl.RGBA, gl.UNSIGNED_BYTE, heap, 0);
  assert.deepEqual(heap.subarray(0, 8), data.subarray(16, 24), "sub-rectangles come from the right row and column");
  assert.throws(() => gl.readPixels(0, 0, 1, 1, gl.RGBA, 0x1406, heap, 0), /only RGBA\/UNSIGNED_BYTE/);
  assert.throws(() => gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, true), /flip/);
});

test("no outbound request: usage statistics are refused and no socket opens across create, detect and close", async () => {
  await loadMediaPipeVision();
  const refusing = globalThis.fetch;
  await assert.rejects(refusing("https://example.com/"), { name: NETWORK_REFUSED });

  // Record every attempt that goes through the global fetch (still refused).
  const attempts: { url: string; outcome: Promise<string> }[] = [];
  globalThis.fetch = (input, init) => {
    const result = refusing(input, init);
    attempts.push({ url: input instanceof Request ? input.url : String(input), outcome: result.then(() => "sent", (e: Error) => e.name) });
    return result;
  };
  // Record every TCP client socket and every undici (fetch) request in this process.
  const sockets: unknown[] = [];
  const onSocket = (message: unknown): void => void sockets.push(message);
  subscribe("net.client.socket", onSocket);
  subscribe("undici:request:create", onSocket);
  try {
    // Positive control: the probe sees a real connection.
    const local = createServer((s) => s.end());
    await new Promise<void>((done) => local.listen(0, "127.0.0.1", done));
    await new Promise<void>((done) => connect((local.address() as AddressInfo).port, "127.0.0.1").on("close", () => done()).resume());
    await new Promise((done) => local.close(done));
    assert.equal(sockets.length, 1, "the socket probe works");
    sockets.length = 0;

    const model = new Uint8Array(await readFile(modelPath));
    const detector = await createMediaPipeDetector({ model, scoreThreshold: 0.5, maxResults: 5 });
    for (let t = 0; t < 3; t++) detector.detect(blank, t);
    detector.close();
    await new Promise((done) => setTimeout(done, 50));

    const urls = attempts.map((a) => a.url);
    assert.ok(
      urls.some((u) => new URL(u).hostname === "odml.pa.googleapis.com"),
      `the bundle tried to send usage statistics and was stopped (if this fails, a new version may have dropped or moved them; re-check mediapipe-node.ts). Attempts: ${urls.join(", ")}`,
    );
    assert.deepEqual(await Promise.all(attempts.map((a) => a.outcome)), attempts.map(() => NETWORK_REFUSED), "every attempt was refused");
    assert.deepEqual(sockets, [], "no socket was opened");
  } finally {
    globalThis.fetch = refusing;
    unsubscribe("net.client.socket", onSocket);
    unsubscribe("undici:request:create", onSocket);
  }
});
