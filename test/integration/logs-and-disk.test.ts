import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { test } from "node:test";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer } from "../support/test-server.ts";
import { createLogger } from "../../server/src/logger.ts";
import { rpcCode, until } from "../support/waiting.ts";

test("logs are JSON lines with session ids, never image data or credentials; only the database and the local token file reach the disk", { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const password = "log-test-viewer-password";
  const ts = await startTestServer({
    detector: "mediapipe",
    log: createLogger("debug", sink),
    config: { access: { captureAuth: true, captureToken: TEST_CAPTURE_TOKEN, viewerPassword: password, viewerTokenTtlMs: 60_000 } },
  });
  const frames = extractJpegFrames(oneByOneVideo, { startS: 8, count: 10, fps: 10, width: 640 });
  let sessionId = "";
  let sessionToken = "";
  try {
    const { capture, access } = ts.native;
    const open = await capture.openSession({ cameraId: "log-cam", cameraName: "Log cam" }).response;
    ({ sessionId, sessionToken } = open);
    const acks: FrameAck[] = [];
    const abort = new AbortController();
    const watch = capture.watchAcks({ sessionId, resumeAfterSeq: 0 }, { abort: abort.signal });
    watch.responses.onMessage((m) => m.ack && acks.push(m.ack));
    watch.status.catch(() => undefined);
    for (const [i, jpeg] of frames.entries()) await capture.uploadFrame({ sessionId, frame: { seq: i + 1, capturedAtMs: Date.now(), jpeg, width: 640, height: 360 } }).response;
    // A corrupt frame and failed sign-ins are logged too, if at all, without their bytes.
    await rpcCode(capture.uploadFrame({ sessionId, frame: { seq: 99, capturedAtMs: Date.now(), jpeg: frames[0]!.subarray(0, 500), width: 640, height: 360 } }).response);
    await rpcCode(access.signIn({ password: "wrong-password-in-the-log?" }).response);
    await access.signIn({ password }).response;
    await until(() => acks.length >= frames.length + 1, "every ack");
    assert.ok(acks.some((a) => a.status === FrameStatus.PROCESSED));
    abort.abort();
    await ts.server.stop();

    assert.ok(lines.length > 5, `${lines.length} log lines`);
    for (const line of lines) JSON.parse(line);
    assert.ok(lines.some((l) => l.includes(sessionId)), "session ids are logged");
    const text = lines.join("\n");
    const jpegBase64 = Buffer.from(frames[0]!.subarray(0, 48)).toString("base64").slice(0, 40);
    for (const [secret, what] of [
      ["/9j/", "base64 of a JPEG start"],
      [jpegBase64, "base64 of a frame"],
      ["\\u00ff\\u00d8", "escaped JPEG bytes"],
      [sessionToken, "the session token"],
      [TEST_CAPTURE_TOKEN, "the shared capture token"],
      [password, "the viewer password"],
      ["wrong-password-in-the-log?", "a tried password"],
    ] as const) {
      assert.ok(!text.includes(secret), `the logs contain ${what}`);
    }
    const files = readdirSync(ts.config.dataDir).sort();
    assert.deepEqual(files.filter((f) => !/^headcount\.sqlite(-wal|-shm)?$/.test(f)), ["capture-token"]);
    const head = Buffer.from(frames[0]!.subarray(0, 64));
    for (const f of files) assert.ok(!readFileSync(join(ts.config.dataDir, f)).includes(head), `${f} holds no frame`);
  } finally {
    await ts.stop().catch(() => undefined);
  }
});
