import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { spawnSender, type SenderProcess } from "../support/cli-sender.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startServerProcess, type ServerProcess } from "../support/server-process.ts";
import { freePort } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

const dataDir = mkdtempSync(join(tmpdir(), "headcount-cli-reconnect-"));
let server: ServerProcess | undefined;
let cli: SenderProcess | undefined;
after(async () => {
  cli?.child.kill("SIGKILL");
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test("the CLI sender survives a SIGKILL of the server: it reconnects, opens a new session and goes on numbering after its last seq", { timeout: 180_000 }, async () => {
  // The clip (2 min 19 s) played at its own rate, stopped with Ctrl-C once frames after the restart
  // were acked: a slow restart on a loaded machine (the sender retries after 0.25, 0.75, 1.75,
  // 3.75, 7.75, 12.75 s, ...) cannot run the source out.
  const grpcPort = await freePort();
  const grpcWebPort = await freePort();
  server = await startServerProcess({ grpcPort, grpcWebPort, dataDir, workers: 1 });

  const sender = spawnSender(["--server", `127.0.0.1:${grpcPort}`, "--camera", "cli-reconnect", "--token", TEST_CAPTURE_TOKEN, "--pace", "source", "--fps", "10", "--width", "320", "--json", oneByOneVideo], { timeoutMs: 170_000 });
  cli = sender;
  const acks = () => {
    if (sender.child.exitCode !== null) throw new Error(`the CLI ended early (${sender.child.exitCode}): ${sender.stderr()}`);
    return sender.stdout().split("\n").filter((l) => l.startsWith('{"type":"ack"')).map((l) => JSON.parse(l) as { seq: number; status: string });
  };

  await waitFor("20 acks before the kill", async () => acks().length >= 20, 60_000);
  await server.kill();
  const lastBefore = Math.max(...acks().map((a) => a.seq));
  server = await startServerProcess({ grpcPort, grpcWebPort, dataDir, workers: 1 });
  await waitFor("10 acks after the restart", async () => acks().filter((a) => a.seq > lastBefore).length >= 10, 120_000);
  sender.child.kill("SIGINT");
  assert.equal(await sender.exited, 0, `the CLI failed: ${sender.stderr()}`);

  const summary = JSON.parse(sender.stdout().trim().split("\n").at(-1)!) as { sent: number; acked: number; lost: number; reconnects: number; skipped: number };
  const all = sender.stdout().split("\n").filter((l) => l.startsWith('{"type":"ack"')).map((l) => JSON.parse(l) as { seq: number });
  const after = all.filter((a) => a.seq > lastBefore);
  console.log(`cli reconnect: ${JSON.stringify(summary)}; last seq acked before the kill ${lastBefore}, ${after.length} acks after`);
  assert.ok(summary.reconnects >= 1, "it reconnected");
  assert.ok(after.length >= 10, "frames after the restart were acked");
  assert.equal(new Set(all.map((a) => a.seq)).size, all.length, "no seq acked twice: numbering went on");
  assert.equal(summary.sent, summary.acked + summary.lost, "every sent frame is either acked or counted as lost (Ctrl-C waits for the acks in flight)");
  // What it did, on stderr (stdout stays JSON): the break, each failed try with its delay, the new session.
  const target = `127\\.0\\.0\\.1:${grpcPort}`;
  const said = sender.stderr();
  assert.match(said, new RegExp(`headcount send: the stream to ${target} broke \\(.+\\); \\d+ frames? in flight lost; reconnecting for up to 60 s\\n`));
  assert.match(said, new RegExp(`headcount send: reconnecting to ${target}: attempt 1 failed \\(connection refused: nothing listens on ${target}\\); attempt 2 in 0\\.25 s\\n`));
  const goingOn = new RegExp(`headcount send: reconnected to ${target}: new session \\S+, going on from frame (\\d+)\\n`).exec(said);
  assert.ok(goingOn && Number(goingOn[1]) > lastBefore, `it said where it goes on:\n${said}`);
  assert.doesNotMatch(said, /Warning/);
});
