import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CaptureServiceClient } from "@headcount/proto/capture-client";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import sharp from "sharp";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { corruptedBody, truncated, withClaimedSize } from "../support/jpeg-mutations.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { loadConfig } from "../../server/src/config.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode } from "../support/waiting.ts";
import { seededRandom } from "../support/seeded-random.ts";

/** Codes a bad request may get; anything else (INTERNAL, UNKNOWN, a hang) is a defect. */
const PRECISE = new Set(["OK", "INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", "NOT_FOUND", "ALREADY_EXISTS", "UNAUTHENTICATED"]);
const REQUESTS_PER_TRANSPORT = 1_000;

let ts: TestServer;
let frames: Buffer[];
let png: Buffer;
let webp: Buffer;

before(async () => {
  frames = extractJpegFrames(oneByOneVideo, { startS: 30, count: 8, fps: 5, width: 320 });
  png = await sharp(frames[0]!).png().toBuffer();
  webp = await sharp(frames[0]!).webp().toBuffer();
  // The good session sends as fast as its acks return (about 50 frames/s here): above the default rate limit.
  const defaults = loadConfig({});
  ts = await startTestServer({ detector: "none", config: { limits: { ...defaults.limits, maxFps: 120 } } });
});
after(async () => {
  await ts?.stop();
});


function mutate(r: () => number, jpeg: Uint8Array): { jpeg: Uint8Array; what: string } {
  const pick = Math.floor(r() * 11);
  switch (pick) {
    case 0: return { jpeg: truncated(jpeg, r()), what: "truncated" };
    case 1: return { jpeg: corruptedBody(jpeg), what: "corrupt body" };
    case 2: return { jpeg: Uint8Array.from({ length: Math.floor(r() * 4000) }, () => Math.floor(r() * 256)), what: "random bytes" };
    case 3: return { jpeg: new Uint8Array(), what: "empty" };
    case 4: return { jpeg: png, what: "png" };
    case 5: return { jpeg: webp, what: "webp" };
    case 6: return { jpeg: withClaimedSize(jpeg, 60000, 60000), what: "60000x60000 header" };
    case 7: {
      const big = new Uint8Array(ts.config.limits.maxFrameBytes + 1000);
      big.set(jpeg);
      return { jpeg: big, what: "over the size limit" };
    }
    case 8: {
      const out = Uint8Array.from(jpeg);
      for (let i = 0; i < 20; i++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
      return { jpeg: out, what: "bit flips" };
    }
    case 9: return { jpeg: Uint8Array.from([0xff, 0xd8, 0xff, ...jpeg.subarray(3, 40)]), what: "header only" };
    default: return { jpeg, what: "valid" };
  }
}

async function fuzz(client: CaptureServiceClient, seed: number): Promise<Map<string, number>> {
  const r = seededRandom(seed);
  const codes = new Map<string, number>();
  const { response: open } = await client.openSession({ cameraId: `fuzz-${seed}`, cameraName: "" });
  let seq = 1;
  for (let i = 0; i < REQUESTS_PER_TRANSPORT; i++) {
    const base = frames[i % frames.length]!;
    const { jpeg, what } = mutate(r, base);
    const roll = r();
    const sessionId = roll < 0.05 ? "unknown-session-id-that-never-existed" : roll < 0.07 ? "" : open.sessionId;
    // Mostly new seqs; some replayed, out of order, zero or absurd.
    const s = roll < 0.8 ? seq++ : roll < 0.88 ? Math.max(1, seq - 1 - Math.floor(r() * 5)) : roll < 0.92 ? 0 : 2 ** 32 - 1 - Math.floor(r() * 10);
    const capturedAtMs = r() < 0.05 ? Number.MAX_SAFE_INTEGER : r() < 0.05 ? -1 : Date.now();
    const meta: Record<string, string> = r() < 0.03 ? { "x-junk": "j".repeat(6000) } : {};
    // Credentials: mostly the session's own (added by the client), some missing, wrong or malformed.
    const auth = r();
    if (auth < 0.02) meta["authorization"] = "";
    else if (auth < 0.04) meta["authorization"] = `Bearer ${open.sessionToken.slice(0, -1)}x`;
    else if (auth < 0.05) meta["authorization"] = `Basic ${"%".repeat(Math.floor(r() * 600))}`;
    const code = await rpcCode(
      client.uploadFrame({ sessionId, frame: { seq: s, capturedAtMs, jpeg, width: Math.floor(r() * 70000), height: 360 } }, { meta, timeout: 10_000 }),
    );
    assert.ok(PRECISE.has(code), `request ${i} (${what}, seq ${s}, session ${sessionId.slice(0, 6)}) got ${code}`);
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  return codes;
}

test("2,000 mutated uploads over native gRPC and gRPC-Web get precise statuses; a well-behaved session at the same time loses no ack", { timeout: 300_000 }, async () => {
  const good = ts.web().capture;
  const { response: s } = await good.openSession({ cameraId: "fuzz-good", cameraName: "" });
  const acks: FrameAck[] = [];
  const abort = new AbortController();
  const watch = good.watchAcks({ sessionId: s.sessionId, resumeAfterSeq: 0 }, { abort: abort.signal });
  watch.responses.onMessage((m) => m.ack && acks.push(m.ack));
  watch.status.catch(() => undefined);
  let sent = 0;
  let stop = false;
  const wellBehaved = (async () => {
    while (!stop && sent < 2_000) {
      sent++;
      await good.uploadFrame({ sessionId: s.sessionId, frame: { seq: sent, capturedAtMs: Date.now(), jpeg: frames[sent % frames.length]!, width: 320, height: 180 } });
      while (acks.length < sent) await new Promise((r) => setTimeout(r, 2));
      // A camera, not a flood: under the session's 120 frames/s, however fast the acks come back.
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  const [native, web] = await Promise.all([fuzz(ts.native.capture, 1), fuzz(ts.web().capture, 2)]);
  stop = true;
  await wellBehaved;
  console.log(`fuzz: native ${JSON.stringify(Object.fromEntries(native))}; grpc-web ${JSON.stringify(Object.fromEntries(web))}; well-behaved session: ${sent} frames, ${acks.length} acks`);
  for (const codes of [native, web]) {
    // Every kind of bad input was really exercised (a fuzz that stopped mutating would pass silently).
    for (const code of ["INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", "NOT_FOUND", "UNAUTHENTICATED", "OK"]) assert.ok((codes.get(code) ?? 0) > 0, code);
  }
  assert.equal(acks.length, sent, "every frame of the well-behaved session was acked");
  assert.ok(acks.every((a) => a.status === FrameStatus.PROCESSED), "and processed");
  assert.deepEqual(acks.map((a) => a.seq), Array.from({ length: sent }, (_, i) => i + 1));
  abort.abort();
  // Still serving.
  const { response } = await ts.native.capture.openSession({ cameraId: "fuzz-after", cameraName: "" });
  assert.ok(response.sessionId);
});

test("random bytes and malformed gRPC-Web bodies get an HTTP or gRPC error, and the endpoint keeps serving", async () => {
  const r = seededRandom(3);
  const url = `${ts.grpcWebUrl}/headcount.v1.CaptureService/UploadFrame`;
  for (let i = 0; i < 300; i++) {
    const body = Uint8Array.from({ length: Math.floor(r() * 2000) }, () => Math.floor(r() * 256));
    if (r() < 0.5 && body.length > 5) body[0] = 0; // a plausible frame flag, random length
    const type = r() < 0.5 ? "application/grpc-web+proto" : "application/grpc-web-text";
    const res = await fetch(url, { method: "POST", headers: { "content-type": type, "x-grpc-web": "1" }, body });
    const payload = new Uint8Array(await res.arrayBuffer());
    const status = res.headers.get("grpc-status") ?? trailerStatus(payload, type);
    assert.ok(res.status >= 400 || (status !== null && status !== "0"), `request ${i}: HTTP ${res.status}, grpc-status ${status}`);
  }
  const { response } = await ts.web().capture.openSession({ cameraId: "fuzz-after-web", cameraName: "" });
  assert.ok(response.sessionId);
});

/** grpc-status from a trailer frame (flag 0x80) of a gRPC-Web response body. */
function trailerStatus(body: Uint8Array, type: string): string | null {
  const bytes = type.includes("text") ? Buffer.from(new TextDecoder().decode(body), "base64") : Buffer.from(body);
  for (let i = 0; i + 5 <= bytes.length; ) {
    const len = bytes.readUInt32BE(i + 1);
    if (bytes[i]! & 0x80) return /grpc-status:\s*(\d+)/.exec(bytes.subarray(i + 5, i + 5 + len).toString())?.[1] ?? null;
    i += 5 + len;
  }
  return null;
}
