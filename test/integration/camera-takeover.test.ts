import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import { openPostgresStore } from "../../server/src/store/postgres-store.ts";
import { openSqliteStore } from "../../server/src/store/sqlite-store.ts";
import type { Store } from "../../server/src/store/store.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { spawnSender } from "../support/cli-sender.ts";
import { extractJpegFolder, extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { freshDatabase } from "../support/postgres-db.ts";
import { processClients, startServerProcess } from "../support/server-process.ts";
import { rpcCode, until } from "../support/waiting.ts";
import { freePort } from "../support/web-app.ts";

/**
 * One live session per camera: a second OpenSession for a camera, on any
 * replica, takes it over; the first ends with ABORTED wherever it runs.
 */

type Clients = ReturnType<typeof processClients>;

/** How a watched session's ack stream ended, and when. */
interface StreamEnd {
  readonly code: string;
  readonly message: string;
  readonly atMs: number;
}

/** Opens a session for `cameraId` and watches its acks (as the capture page does). */
async function openWatched(clients: Clients, cameraId: string) {
  const opened = await clients.capture.openSession({ cameraId, cameraName: "" }).response;
  const call = clients.capture.watchAcks({ sessionId: opened.sessionId, resumeAfterSeq: 0, resumeAfterCursor: 0 });
  const acks: FrameAck[] = [];
  const ended: Promise<StreamEnd> = (async () => {
    try {
      for await (const m of call.responses) if (m.ack) acks.push(m.ack);
      return { code: "OK", message: "", atMs: Date.now() };
    } catch (err) {
      if (!(err instanceof RpcError)) throw err;
      return { code: err.code, message: decodeURIComponent(err.message), atMs: Date.now() };
    }
  })();
  return { sessionId: opened.sessionId, openedAtMs: Date.now(), acks, ended };
}

/** Uploads frames one at a time, each after the previous one's ack, 100 ms apart in capture time. */
async function uploadEach(clients: Clients, session: Awaited<ReturnType<typeof openWatched>>, frames: readonly Uint8Array[], firstSeq: number): Promise<void> {
  const start = Date.now();
  for (const [i, jpeg] of frames.entries()) {
    const before = session.acks.length;
    await clients.capture.uploadFrame({ sessionId: session.sessionId, frame: { seq: firstSeq + i, capturedAtMs: start + i * 100, jpeg, width: 0, height: 0 } }).response;
    await until(() => session.acks.length > before, `the ack of frame ${firstSeq + i}`, 30_000);
  }
}

/**
 * The takeover, from `first` (where the old session runs) to `second` (where
 * the new one opens; the same server on SQLite): the old session's stream
 * ends with ABORTED within a second, its later uploads get ABORTED too, and
 * from then on only the new session counts; totals equal a recount.
 */
async function takeOver(t: TestContext, first: Clients, second: Clients, openStore: () => Promise<Store>): Promise<void> {
  // Person 1 walks in at 6.0 s and is still in view at 9.0 s.
  const frames = extractJpegFrames(oneByOneVideo, { startS: 5, count: 50, fps: 10, width: 640 });
  const old = await openWatched(first, "door");
  await uploadEach(first, old, frames.slice(0, 35), 1);
  assert.ok(old.acks.every((a) => a.status === FrameStatus.PROCESSED), "the old session counts until it is taken over");
  assert.equal(old.acks.at(-1)?.counts?.entered, 1, "person 1 entered through the old session");

  const taker = await openWatched(second, "door");
  const end = await Promise.race([old.ended, new Promise<StreamEnd>((r) => setTimeout(() => r({ code: "still open", message: "", atMs: Date.now() }), 10_000))]);
  console.log(`takeover: the old session's ack stream ended ${end.atMs - taker.openedAtMs} ms after the new OpenSession answered`);
  assert.equal(end.code, "ABORTED");
  assert.match(end.message, /camera door is now capturing from another session/);
  assert.ok(end.atMs - taker.openedAtMs <= 1_000, `the old session ended within 1 s (took ${end.atMs - taker.openedAtMs} ms)`);
  const late = { seq: 36, capturedAtMs: Date.now(), jpeg: frames[35]!, width: 0, height: 0 };
  assert.equal(await rpcCode(first.capture.uploadFrame({ sessionId: old.sessionId, frame: late }).response), "ABORTED", "a later upload is told the same, not NOT_FOUND");

  await uploadEach(second, taker, frames.slice(35), 36);
  assert.ok(taker.acks.every((a) => a.status === FrameStatus.PROCESSED), "the new session counts");

  const store = await openStore();
  t.after(() => store.close());
  const { events } = await store.events({ cameraId: "door", limit: 1_000 });
  const ofOld = events.filter((e) => e.sessionId === old.sessionId);
  assert.deepEqual(
    ofOld.filter((e) => e.timeMs > old.acks.at(-1)!.capturedAtMs).map((e) => [e.kind, e.reason]),
    [],
    "nothing of the old session is counted after its last frame, except its people's exits",
  );
  assert.ok(ofOld.some((e) => e.kind === "exit" && e.reason === "capture_stopped"), "person 1, in view when it was taken over, exits with its end");
  const camera = await store.getCamera("door");
  assert.equal(camera?.liveSessionId, taker.sessionId, "the new session holds the camera");
  const n = (kind: string) => events.filter((e) => e.kind === kind).length;
  assert.deepEqual(camera?.totals, { entered: n("entry"), exited: n("exit"), crossedIn: n("cross_in"), crossedOut: n("cross_out") }, "totals equal a recount");
}

test("two replicas on one database: a session opened on B takes the camera over from A's session, which ends with ABORTED; only B counts", { timeout: 240_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dirs = ["a", "b"].map((name) => mkdtempSync(join(tmpdir(), `headcount-takeover-${name}-`)));
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ports = await Promise.all(dirs.map(async () => ({ grpc: await freePort(), web: await freePort() })));
  const servers = await Promise.all(dirs.map((dataDir, i) => startServerProcess({ grpcPort: ports[i]!.grpc, grpcWebPort: ports[i]!.web, dataDir, workers: 1, databaseUrl })));
  t.after(() => Promise.all(servers.map((s) => s.kill())));
  const [a, b] = ports.map((p) => processClients(p.grpc));
  t.after(() => [a, b].forEach((x) => x!.transport.close()));
  await takeOver(t, a!, b!, () => openPostgresStore({ databaseUrl }));
});

test("one server on SQLite: a second session for a camera takes it over, and the first ends with ABORTED at once", { timeout: 240_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "headcount-takeover-sqlite-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const grpcPort = await freePort();
  const server = await startServerProcess({ grpcPort, grpcWebPort: await freePort(), dataDir, workers: 1 });
  t.after(() => server.kill());
  const clients = processClients(grpcPort);
  t.after(() => clients.transport.close());
  await takeOver(t, clients, clients, async () => openSqliteStore({ dataDir }));
});

test("the CLI sender whose camera is taken over exits with a clear message and does not take it back", { timeout: 240_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "headcount-takeover-cli-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const grpcPort = await freePort();
  const server = await startServerProcess({ grpcPort, grpcWebPort: await freePort(), dataDir, workers: 1 });
  t.after(() => server.kill());
  const clients = processClients(grpcPort);
  t.after(() => clients.transport.close());
  const folder = extractJpegFolder(oneByOneVideo, { startS: 0, count: 200, fps: 10, width: 320 });
  const cli = spawnSender(["--server", `127.0.0.1:${grpcPort}`, "--camera", "door", "--token", TEST_CAPTURE_TOKEN, "--pace", "source", "--fps", "10", "--json", folder], { timeoutMs: 200_000 });
  t.after(() => cli.child.kill("SIGKILL"));
  await until(() => cli.stdout().includes('{"type":"ack"'), "the sender's first ack", 60_000);

  const taker = await openWatched(clients, "door");
  assert.equal(await cli.exited, 1, "the sender stops, with a failure");
  assert.match(cli.stderr(), /camera door is now capturing from another session.*\nNot reconnecting: that would take the camera back/s);
  const store = openSqliteStore({ dataDir });
  t.after(() => store.close());
  assert.equal((await store.getCamera("door"))?.liveSessionId, taker.sessionId, "the camera stays with the session that took it");
  assert.equal((await store.listSessions({ cameraId: "door", fromMs: 0, toMs: Date.now() + 60_000 })).length, 2, "the sender opened no new session");
});
