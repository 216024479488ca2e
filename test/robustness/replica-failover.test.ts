import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { ReceiptStatus } from "@headcount/proto/capture";
import { extractJpegFolder, extractJpegFrames } from "../support/footage-frames.ts";
import { spawnSender } from "../support/cli-sender.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { privatePrefixes, SHARED_BROKER_URL, subscribe } from "../support/mqtt-broker.ts";
import { freshDatabase, onDatabase } from "../support/postgres-db.ts";
import { processClients, startServerProcess } from "../support/server-process.ts";
import { waitFor } from "../support/waiting.ts";
import { freePort } from "../support/web-app.ts";

test("SIGKILL of the replica a CLI sender streams to: the sender (given A and B) goes on through B, and the stored totals equal a recount of the events", { timeout: 240_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const dirs = ["a", "b"].map((name) => mkdtempSync(join(tmpdir(), `headcount-failover-${name}-`)));
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ports = await Promise.all(dirs.map(async () => ({ grpc: await freePort(), web: await freePort() })));
  const [a, b] = await Promise.all(dirs.map((dataDir, i) => startServerProcess({ grpcPort: ports[i]!.grpc, grpcWebPort: ports[i]!.web, dataDir, workers: 1, databaseUrl })));
  t.after(() => Promise.all([a!.kill(), b!.kill()]));

  // 20 s of footage with people walking in, at its own rate; A is killed after 20 acks.
  const folder = extractJpegFolder(oneByOneVideo, { startS: 0, count: 200, fps: 10, width: 320 });
  const [addressA, addressB] = ports.map((p) => `127.0.0.1:${p.grpc}`);
  const cli = spawnSender(["--server", `${addressA},${addressB}`, "--camera", "failover-cam", "--token", TEST_CAPTURE_TOKEN, "--pace", "source", "--fps", "10", "--json", folder], { timeoutMs: 200_000 });
  t.after(() => cli.child.kill("SIGKILL"));
  const acks = () => cli.stdout().split("\n").filter((l) => l.startsWith('{"type":"ack"')).map((l) => JSON.parse(l) as { seq: number; status: string });

  await waitFor("20 acks from A", async () => acks().length >= 20, 60_000);
  await a!.kill();
  const lastOnA = Math.max(...acks().map((x) => x.seq));
  assert.equal(await cli.exited, 0, `the CLI failed: ${cli.stderr()}`);

  const summary = JSON.parse(cli.stdout().trim().split("\n").at(-1)!) as { server: string; sent: number; acked: number; lost: number; reconnects: number };
  const afterKill = acks().filter((x) => x.seq > lastOnA);
  console.log(`replica failover: ${JSON.stringify(summary)}; last seq acked by A ${lastOnA}, ${afterKill.length} acks from B`);
  assert.equal(summary.server, addressB, "the last session ran on B");
  assert.match(cli.stderr(), new RegExp(`the stream to ${addressA} broke .*\\n(.*\\n)*headcount send: reconnected to ${addressB}: new session`), "the person watching is told where it went");
  assert.ok(summary.reconnects >= 1);
  assert.ok(afterKill.length >= 10, "B acked frames after A died");
  assert.equal(new Set(acks().map((x) => x.seq)).size, acks().length, "no seq acked twice");

  // Stored totals = a recount of the stored events, none doubled (one batch per session and seq).
  const [stored] = await onDatabase<{ entered: number; exited: number; crossed_in: number; crossed_out: number }>(
    databaseUrl, "SELECT entered::int, exited::int, crossed_in::int, crossed_out::int FROM cameras WHERE camera_id = 'failover-cam'");
  const recount = await onDatabase<{ kind: number; n: number }>(
    databaseUrl, "SELECT e.kind, COUNT(*)::int AS n FROM events e JOIN cameras c USING (camera_key) WHERE c.camera_id = 'failover-cam' GROUP BY e.kind");
  const n = (kind: number) => recount.find((r) => r.kind === kind)?.n ?? 0;
  assert.deepEqual({ ...stored }, { entered: n(0), exited: n(1), crossed_in: n(2), crossed_out: n(3) });
  assert.ok(n(0) + n(1) + n(2) + n(3) > 0, "the footage was counted");
  const doubled = await onDatabase(databaseUrl, "SELECT session_key, seq FROM events WHERE seq IS NOT NULL GROUP BY session_key, seq, track_id, kind HAVING COUNT(*) > 1");
  assert.deepEqual(doubled, [], "no event stored twice");
  const counts = (await processClients(ports[1]!.grpc).count.listCameras({}).response).cameras.find((c) => c.cameraId === "failover-cam")?.counts;
  assert.equal(counts?.entered, Number(stored!.entered), "B serves the stored totals");
});

test("SIGKILL of a replica with a session holding a person in view: B notices its stale heartbeat and closes the session once, the person exiting as 'session_lost', published over MQTT", { timeout: 240_000 }, async (t) => {
  const databaseUrl = await freshDatabase(t);
  const staleMs = 3_000;
  const dirs = ["a", "b"].map((name) => mkdtempSync(join(tmpdir(), `headcount-stale-${name}-`)));
  t.after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ports = await Promise.all(dirs.map(async () => ({ grpc: await freePort(), web: await freePort() })));
  const { topicPrefix, discoveryPrefix } = privatePrefixes();
  const env = {
    HEADCOUNT_REPLICA_STALE_MS: String(staleMs),
    HEADCOUNT_MQTT_URL: SHARED_BROKER_URL, HEADCOUNT_MQTT_TOPIC_PREFIX: topicPrefix, HEADCOUNT_MQTT_DISCOVERY_PREFIX: discoveryPrefix,
  };
  const sub = await subscribe(SHARED_BROKER_URL, [`${topicPrefix}/#`, `${discoveryPrefix}/#`]);
  t.after(() => sub.close());
  const [a, b] = await Promise.all(dirs.map((dataDir, i) => startServerProcess({ grpcPort: ports[i]!.grpc, grpcWebPort: ports[i]!.web, dataDir, workers: 1, databaseUrl, env })));
  t.after(() => Promise.all([a!.kill(), b!.kill()]));

  // Person 1 walks in at 6.0 s and is still in view at 8.5 s, when A dies.
  const clients = processClients(ports[0]!.grpc);
  t.after(() => clients.transport.close());
  const frames = extractJpegFrames(oneByOneVideo, { startS: 5, count: 35, fps: 10, width: 640 });
  const { sessionId } = await clients.capture.openSession({ cameraId: "door", cameraName: "" }).response;
  let acked = 0;
  const watch = clients.capture.watchAcks({ sessionId, resumeAfterSeq: 0, resumeAfterCursor: 0 });
  watch.responses.onMessage(() => acked++);
  watch.responses.onError(() => undefined);
  const start = Date.now();
  for (const [i, jpeg] of frames.entries()) {
    // One at a time, each after its ack, so every frame is tracked.
    const { status } = await clients.capture.uploadFrame({ sessionId, frame: { seq: i + 1, capturedAtMs: start + i * 100, jpeg, width: 0, height: 0 } }).response;
    assert.equal(status, ReceiptStatus.ACCEPTED);
    await waitFor(`the ack of frame ${i + 1}`, async () => acked > i, 30_000, 10);
  }
  await waitFor("person 1's entry stored", async () => (await onDatabase(databaseUrl, "SELECT 1 FROM events WHERE kind = 0")).length === 1, 30_000);
  await a!.kill();
  const killedAt = Date.now();

  const closed = await waitFor("B closing A's session", async () => {
    const [row] = await onDatabase<{ closed_at_ms: string | null }>(databaseUrl, "SELECT closed_at_ms FROM sessions WHERE session_id = $1", [sessionId]);
    return row?.closed_at_ms !== null && row?.closed_at_ms !== undefined && Date.now();
  }, 30_000, 50);
  const tookMs = closed - killedAt;
  console.log(`stale replica: B closed A's session ${tookMs} ms after SIGKILL (stale after ${staleMs} ms, beats every ${staleMs / 3} ms)`);
  // A's last beat was at most a beat before the kill; B looks every beat: stale + 2 beats, plus a second of slack for a loaded machine.
  assert.ok(tookMs <= staleMs + (2 * staleMs) / 3 + 1_000, `closed within the bound (took ${tookMs} ms)`);
  const exits = await onDatabase<{ reason: number; session_id: string }>(databaseUrl, "SELECT e.reason, s.session_id FROM events e JOIN sessions s USING (session_key) WHERE e.kind = 1");
  assert.deepEqual(exits, [{ reason: 2, session_id: sessionId }], "one exit, as session_lost, written once");
  assert.match(b!.output(), /closed the sessions of a replica that stopped beating/);
  const [stored] = await onDatabase<{ entered: number; exited: number }>(databaseUrl, "SELECT entered::int, exited::int FROM cameras WHERE camera_id = 'door'");
  assert.deepEqual({ ...stored }, { entered: 1, exited: 1 }, "totals equal the recount: nobody left in view");
  // B published the exit it stored for A's session as an event, as a restarted single server does for its own.
  const events = () => sub.on(`${topicPrefix}/door/event`).map((p) => JSON.parse(p) as { kind: string; reason: string | null });
  await waitFor("the session_lost exit on MQTT", async () => events().some((e) => e.kind === "exit"), 5_000);
  assert.deepEqual(events().filter((e) => e.kind === "exit").map((e) => e.reason), ["session_lost"]);
  await waitFor("B's count page showing the exit", async () => {
    const cam = (await processClients(ports[1]!.grpc).count.listCameras({}).response).cameras.find((c) => c.cameraId === "door");
    return cam?.counts?.exited === 1;
  }, 5_000);
  // Leave nothing retained on the shared broker (a clean stop says "offline" first).
  await b!.stop();
  for (const topic of new Set(sub.messages.filter((m) => m.retain || !m.topic.endsWith("/event")).map((m) => m.topic))) {
    await sub.client.publishAsync(topic, "", { qos: 1, retain: true });
  }
});
