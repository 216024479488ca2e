/**
 * A reconnecting capture page receives every ack it has not received
 * (issue 11, item 17). Acks leave in completion order, not seq order: a late
 * frame (overtaken in flight) is acked dropped-stale after newer frames were
 * processed. Resuming "after the highest seq seen" skipped such an ack for
 * good; resuming after the server's cursor does not.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import sharp from "sharp";
import { ReconnectBackoff } from "../../web/lib/reconnect-backoff.ts";
import { SessionLink } from "../../web/lib/capture/session-link.ts";
import type { OpenedSession } from "../../web/lib/capture/session-link-types.ts";
import { callOptions, createTransport } from "../../web/lib/transport.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode, until } from "../support/waiting.ts";

let t: TestServer;
let jpeg: Buffer;

before(async () => {
  t = await startTestServer();
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
});
after(() => t.stop());

/** The capture page's session link, with the page's own transport, against the real server's gRPC-Web endpoint. */
function startLink(cameraId: string) {
  const client = new CaptureServiceClient(createTransport(t.grpcWebUrl));
  const acks: FrameAck[] = [];
  const takeovers: string[] = [];
  let session: OpenedSession | null = null;
  const link = new SessionLink({
    client,
    baseUrl: t.grpcWebUrl,
    identity: () => ({ cameraId, cameraName: "", newCameraName: "" }),
    captureToken: TEST_CAPTURE_TOKEN,
    // The report: the page reconnects 1 s after its stream broke.
    backoff: new ReconnectBackoff({ minMs: 1_000, maxMs: 1_000, jitter: 0 }),
    events: { state: () => {}, opened: (s) => (session = s), ack: (a) => acks.push(a), error: () => {}, notice: () => {}, refused: () => {}, takenOver: (f) => takeovers.push(f.message) },
  });
  const stop = new AbortController();
  const running = link.run(stop.signal);
  const upload = (seq: number) => {
    const s = session!;
    return rpcCode(client.uploadFrame({ sessionId: s.id, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 64, height: 48 } }, callOptions(s.id, undefined, s.token)).response);
  };
  return {
    link,
    acks,
    takeovers,
    running,
    upload,
    session: () => session,
    async stop() {
      stop.abort();
      await running;
    },
  };
}

describe("WatchAcks resume", () => {
  for (let attempt = 1; attempt <= 5; attempt++) {
    test(`an ack published while the page's stream was broken arrives after it resumes (try ${attempt} of 5)`, async () => {
      const page = startLink(`resume-${attempt}`);
      try {
        await until(() => page.session() !== null && t.server.sessions.find(page.session()!.id)?.watcherCount === 1, "a session being watched");
        const server = t.server.sessions.find(page.session()!.id)!;
        // Frame 3 overtook frame 1 in flight: 3 is processed and acked first.
        assert.equal(await page.upload(3), "OK");
        await until(() => page.acks.length === 1, "ack 3");
        // The stream breaks (a network blip); the page reconnects 1 s later.
        page.link.reconnect();
        await until(() => server.watcherCount === 0, "the broken stream gone on the server");
        // Frame 1 arrives late, while no stream is open: acked dropped-stale, after ack 3.
        assert.equal(await page.upload(1), "OK");
        assert.equal(server.acked, 2);
        assert.equal(server.watcherCount, 0, "ack 1 was published while the page had no stream");
        await until(() => server.watcherCount === 1, "the page watching again", 8_000);
        await until(() => page.acks.length >= 2, "ack 1 after the page resumed", 3_000);
        assert.deepEqual(
          page.acks.map((a) => [a.seq, a.status]),
          [
            [3, FrameStatus.PROCESSED],
            [1, FrameStatus.DROPPED_STALE],
          ],
        );
        assert.equal(page.session()?.id, server.id, "the page resumed its own session: no new OpenSession, so nothing taken over");
        assert.deepEqual(page.takeovers, []);
      } finally {
        await page.stop();
      }
    });
  }
});

describe("camera takeover seen by the page's link", () => {
  test("another page opening the same camera ends this page's link for good: reported once as taken over, no new session", async () => {
    const first = startLink("taken-over");
    try {
      await until(() => first.session() !== null && t.server.sessions.find(first.session()!.id)?.watcherCount === 1, "the first page watching");
      const mine = first.session()!;
      const second = startLink("taken-over");
      try {
        await until(() => second.session() !== null, "the second page's session");
        await until(() => first.takeovers.length > 0, "the first page told its camera was taken over", 10_000);
        await first.running;
        assert.equal(first.takeovers.length, 1);
        assert.match(first.takeovers[0]!, /camera taken-over is now capturing from another session/);
        assert.equal(await first.upload(1), "ABORTED", "an upload to the old session is told the same");
        assert.equal(first.session(), mine, "the first page opened no new session (it would take the camera back)");
        assert.deepEqual(second.takeovers, []);
        assert.ok(t.server.sessions.find(second.session()!.id), "the second page's session is open");
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });
});

describe("WatchAcks cursors on the wire", () => {
  test("each ack carries its cursor in the order sent; resume_after_cursor replays exactly the missed ones, resume_after_seq still works", async () => {
    const { capture } = t.web();
    const { response: opened } = await capture.openSession({ cameraId: "cursor-wire", cameraName: "" });
    const meta = { "x-session-id": opened.sessionId };
    const upload = (seq: number) => rpcCode(capture.uploadFrame({ sessionId: opened.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg, width: 64, height: 48 } }, { meta }).response);
    const server = t.server.sessions.find(opened.sessionId)!;
    for (const seq of [4, 2, 5]) {
      assert.equal(await upload(seq), "OK");
      await until(() => server.acked === [4, 2, 5].indexOf(seq) + 1, `ack ${seq}`);
    }
    let marker = 100;
    /** The first three acks as a stream opened with `resume` replays them, as [seq, cursor]. */
    const replayed = async (resume: { resumeAfterSeq: number; resumeAfterCursor?: number }) => {
      const abort = new AbortController();
      const seen: [number, number][] = [];
      const call = capture.watchAcks({ sessionId: opened.sessionId, ...resume }, { meta, abort: abort.signal });
      call.responses.onMessage((m) => seen.push([m.ack!.seq, m.cursor]));
      await call.headers;
      await until(() => server.watcherCount === 1, "the stream open");
      // Replayed acks are queued as the stream opens; one new ack marks the end of the replay.
      const mark = ++marker;
      assert.equal(await upload(mark), "OK");
      await until(() => seen.some(([seq]) => seq === mark), "the marker ack");
      abort.abort();
      await call.status.catch(() => undefined);
      await until(() => server.watcherCount === 0, "the stream closed");
      return seen.filter(([, cursor]) => cursor <= 3);
    };
    assert.deepEqual(await replayed({ resumeAfterSeq: 0, resumeAfterCursor: 0 }), [[4, 1], [2, 2], [5, 3]]);
    assert.deepEqual(await replayed({ resumeAfterSeq: 0, resumeAfterCursor: 1 }), [[2, 2], [5, 3]]);
    // An old client resumes above a seq: ack 2 (sent after ack 4) is skipped, as before.
    assert.deepEqual(await replayed({ resumeAfterSeq: 4 }), [[5, 3]]);
  });
});
