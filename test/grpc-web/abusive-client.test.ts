/**
 * One client's refused and abandoned calls must not end anybody else's
 * streams (issue 11, item 16). Before, every browser's calls shared one HTTP/2
 * session to the native server, and about 1,000 upstream resets in a burst made
 * grpc-js (nghttp2's rapid-reset guard) end that session with
 * GOAWAY(INTERNAL_ERROR), so every WatchAcks and WatchCounts died with it.
 */
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";
import sharp from "sharp";
import { autoCredentials, TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

let t: TestServer;
let jpegs: Buffer[];

before(async () => {
  t = await startTestServer({ detector: "none" });
  jpegs = await Promise.all(
    [40, 120, 200].map((shade) => sharp({ create: { width: 320, height: 240, channels: 3, background: { r: shade, g: 90, b: 60 } } }).jpeg().toBuffer()),
  );
});
after(() => t.stop());

const BINARY_HEADERS = { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" };
/** A request body whose only frame carries the trailer flag: malformed for a request. */
const TRAILER_FLAGGED = Buffer.from([0x80, 0, 0, 0, 0]);

/** What the well-behaved clients saw. */
interface Outcome {
  uploads: number;
  acks: number;
  missingAcks: number;
  errors: string[];
}

/**
 * `sessions` capture pages as the browser runs them (OpenSession, WatchAcks,
 * one UploadFrame per frame at `fps`) plus one count page (WatchCounts), all
 * through gRPC-Web, until `stop` resolves; then every upload must have its ack.
 */
async function wellBehaved(sessions: number, fps: number, stop: Promise<void>): Promise<Outcome> {
  const transport = new GrpcWebFetchTransport({ baseUrl: t.grpcWebUrl, format: "binary", interceptors: [autoCredentials(TEST_CAPTURE_TOKEN)] });
  const capture = new CaptureServiceClient(transport);
  const count = new CountServiceClient(transport);
  const outcome: Outcome = { uploads: 0, acks: 0, missingAcks: 0, errors: [] };
  let stopped = false;
  void stop.then(() => (stopped = true));

  const counts = new AbortController();
  const countsCall = count.watchCounts({}, { abort: counts.signal });
  const countsDone = countsCall.status.then(
    () => outcome.errors.push("WatchCounts ended by itself"),
    (error: Error) => !counts.signal.aborted && outcome.errors.push(`WatchCounts: ${error.message}`),
  );

  const runSession = async (s: number): Promise<void> => {
    const { response: opened } = await capture.openSession({ cameraId: `polite-${s}`, cameraName: "" });
    const meta = { "x-session-id": opened.sessionId };
    const abort = new AbortController();
    const waiting = new Set<number>();
    const watch = capture.watchAcks({ sessionId: opened.sessionId, resumeAfterSeq: 0 }, { meta, abort: abort.signal });
    watch.responses.onMessage(({ ack }) => {
      if (ack && waiting.delete(ack.seq)) outcome.acks++;
    });
    const watchDone = watch.status.then(
      () => outcome.errors.push(`session ${s}: WatchAcks ended by itself`),
      (error: Error) => !abort.signal.aborted && outcome.errors.push(`session ${s}: WatchAcks: ${error.message}`),
    );
    await watch.headers;
    const uploads: Promise<unknown>[] = [];
    const start = Date.now() + (s * 1000) / fps / sessions;
    for (let seq = 1; !stopped; seq++) {
      await sleep(Math.max(0, start + (seq * 1000) / fps - Date.now()));
      waiting.add(seq);
      outcome.uploads++;
      const frame = { seq, capturedAtMs: Date.now(), jpeg: jpegs[seq % jpegs.length]!, width: 320, height: 240 };
      uploads.push(capture.uploadFrame({ sessionId: opened.sessionId, frame }, { meta }).response.catch((error: Error) => outcome.errors.push(`session ${s}: UploadFrame ${seq}: ${error.message}`)));
    }
    await Promise.all(uploads);
    const end = Date.now() + 10_000;
    while (waiting.size > 0 && Date.now() < end && outcome.errors.length === 0) await sleep(20);
    outcome.missingAcks += waiting.size;
    abort.abort();
    await watchDone;
  };
  await Promise.all(Array.from({ length: sessions }, (_, s) => runSession(s)));
  counts.abort();
  await countsDone;
  return outcome;
}

/** One request on `agent`; resolves with the HTTP status (0 when the connection was closed under it). */
function post(agent: http.Agent, path: string, body: Buffer, headers: Record<string, string> = {}): Promise<number> {
  const { port } = new URL(t.grpcWebUrl);
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", agent, headers: { ...BINARY_HEADERS, ...headers, "content-length": body.length } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(0));
    });
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/** A request body cut short: a frame header announcing 100 bytes, then 10 of them. */
const PARTIAL_BODY = Buffer.concat([Buffer.from([0, 0, 0, 0, 100]), Buffer.alloc(10)]);

/**
 * Opens an unauthenticated upload, as a client that gives up does: headers
 * (with `expect: 100-continue`, whose answer shows the endpoint has taken the
 * call), part of the body, then the connection is dropped before any answer.
 */
function openAndDrop(): Promise<void> {
  const { port } = new URL(t.grpcWebUrl);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), "127.0.0.1");
    const head = Object.entries({ ...BINARY_HEADERS, host: `127.0.0.1:${port}`, expect: "100-continue", "content-length": String(PARTIAL_BODY.length + 90) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join("");
    socket.write(`POST /headcount.v1.CaptureService/UploadFrame HTTP/1.1\r\n${head}\r\n`);
    socket.once("data", () => socket.write(PARTIAL_BODY, () => setTimeout(() => socket.destroy(), 20)));
    socket.on("error", () => {});
    socket.on("close", () => resolve());
    socket.setTimeout(20_000, () => socket.destroy());
  });
}

/** What the abusive client made and saw. */
interface Abuse {
  calls: number;
  /** Trailer-flagged calls answered with a gRPC-Web status (HTTP 200) before the connection was cut. */
  refusedAsMalformed: number;
  /** Keep-alive connections the trailer-flagged calls needed (the server closed the earlier ones). */
  connections: number;
}

/**
 * One abusive client: `trailerFlagged` unauthenticated uploads whose only frame
 * is trailer-flagged, one after another on a keep-alive connection, and at the
 * same time `dropped` calls opened and dropped, 100 at a time. Bounded at 120 s.
 */
async function abuse(trailerFlagged: number, dropped: number): Promise<Abuse> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<net.Socket>();
  agent.on("free", (socket: net.Socket) => sockets.add(socket));
  const result: Abuse = { calls: 0, refusedAsMalformed: 0, connections: 0 };
  const deadline = Date.now() + 120_000;
  await Promise.all([
    (async () => {
      for (let i = 0; i < trailerFlagged && Date.now() < deadline; i++, result.calls++) {
        if ((await post(agent, "/headcount.v1.CaptureService/UploadFrame", TRAILER_FLAGGED)) === 200) result.refusedAsMalformed++;
      }
    })(),
    (async () => {
      for (let i = 0; i < dropped && Date.now() < deadline; i += 100, result.calls += 100) {
        await Promise.all(Array.from({ length: 100 }, openAndDrop));
      }
    })(),
  ]);
  agent.destroy();
  result.connections = sockets.size;
  return result;
}

/** Runs `abuse` while 8 capture pages stream at 10 fps and a count page watches; checks they lost nothing. */
async function abuseWhilePoliteClientsStream(trailerFlagged: number, dropped: number): Promise<Abuse> {
  let abuseDone!: () => void;
  const polite = wellBehaved(8, 10, new Promise<void>((resolve) => (abuseDone = resolve)));
  await sleep(1_000); // every polite stream is open and acking
  const result = await abuse(trailerFlagged, dropped).finally(() => abuseDone());
  const outcome = await polite;
  assert.equal(result.calls, trailerFlagged + dropped, "every abusive call was made within the time bound");
  assert.deepEqual(outcome.errors, [], "no polite stream or upload failed");
  assert.equal(outcome.missingAcks, 0, "every polite upload was acked");
  assert.ok(outcome.uploads >= 8 * 10, `the polite sessions kept uploading (${outcome.uploads} frames)`);
  assert.equal(outcome.acks, outcome.uploads);
  return result;
}

test("1,100 trailer-flagged unauthenticated calls on one keep-alive connection end no other client's stream", { timeout: 180_000 }, async () => {
  const result = await abuseWhilePoliteClientsStream(1_100, 0);
  // Answered, then cut off after its budget and made to reconnect.
  assert.ok(result.refusedAsMalformed >= 100, `malformed calls were answered (${result.refusedAsMalformed})`);
  assert.ok(result.connections > 1, `the abusive connection was closed (${result.connections} connections used)`);
});

test("5,000 abusive calls from one client (3,900 trailer-flagged, 1,100 opened and dropped) end no other client's stream and lose no ack", { timeout: 180_000 }, async () => {
  const result = await abuseWhilePoliteClientsStream(3_900, 1_100);
  assert.ok(result.connections > 1, `the abusive connection was closed (${result.connections} connections used)`);
});
