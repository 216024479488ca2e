import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { runSender } from "../support/cli-sender.ts";
import { extractJpegFolder } from "../support/footage-frames.ts";
import { oneByOneVideo, repoRoot } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort } from "../support/web-app.ts";

// The sender as a person meets it: wrong options, a server that is not there,
// the summary at the end, and npm around it.

let ts: TestServer;
let frames: string;
let scratch: string;
before(async () => {
  ts = await startTestServer();
  frames = extractJpegFolder(oneByOneVideo, { startS: 20, count: 3, fps: 5, width: 320 });
  scratch = mkdtempSync(join(tmpdir(), "headcount-cli-usability-"));
});
after(async () => {
  await ts?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test("an unknown option exits 2 with the usage and a guess, not Node's parser error", async () => {
  const run = await runSender(["--camrea", "door", frames], { timeoutMs: 30_000 });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^headcount send: unknown option --camrea \(did you mean --camera\?\)\n/);
  assert.match(run.stderr, /Usage: npm run send -- \[options\]/);
  assert.doesNotMatch(run.stderr, /ERR_PARSE_ARGS|TypeError|at .*\.ts:\d+/);
  const missing = await runSender(["--camera"], { timeoutMs: 30_000 });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^headcount send: --camera needs a value\n/);
});

test("a server that is not there fails within seconds with a plain message and exit 1, and no warnings", async () => {
  const port = await freePort();
  const run = await runSender(["--server", `127.0.0.1:${port}`, "--token", TEST_CAPTURE_TOKEN, frames], { timeoutMs: 30_000 });
  assert.equal(run.code, 1, `exit code (stderr: ${run.stderr})`);
  assert.match(run.stderr, new RegExp(`cannot reach a headcount server at 127\\.0\\.0\\.1:${port}: connection refused: nothing listens on 127\\.0\\.0\\.1:${port} \\(\\d tries in [0-9.]+ s\\)`));
  assert.match(run.stderr, /Is the server running \(npm start\)\? Give its native gRPC address with --server HOST:PORT/);
  assert.doesNotMatch(run.stderr, /MaxListenersExceeded|Warning|Resolution note/);
  assert.equal(run.stdout, "", "nothing on stdout");
  // The sender tries for 3 s; the rest is Node and tsx starting (slow on a loaded machine).
  assert.ok(run.ms < 25_000, `it gave up after ${run.ms} ms`);
});

test("several --server addresses: one that is not there is passed over for the next; when none is, the message names them all", async () => {
  const [down, alsoDown] = [await freePort(), await freePort()];
  const live = `127.0.0.1:${ts.grpcPort}`;
  const run = await runSender(["--server", `127.0.0.1:${down}, ${live}`, "--token", TEST_CAPTURE_TOKEN, "--camera", "cli-two", "--json", "--quiet", frames], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout.trim()) as { server: string }).server, live);
  const none = await runSender(["--server", `127.0.0.1:${down},127.0.0.1:${alsoDown}`, "--token", TEST_CAPTURE_TOKEN, frames], { timeoutMs: 30_000 });
  assert.equal(none.code, 1, none.stderr);
  assert.match(none.stderr, new RegExp(`cannot reach a headcount server at 127\\.0\\.0\\.1:${down} or 127\\.0\\.0\\.1:${alsoDown}: connection refused`));
  const empty = await runSender(["--server", `${live},`, frames], { timeoutMs: 30_000 });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^headcount send: --server needs HOST:PORT, or several comma-separated/);
});

test("the gRPC-Web port given as --server is named as the wrong kind of port", async () => {
  const webPort = new URL(ts.grpcWebUrl).port;
  const run = await runSender(["--server", `127.0.0.1:${webPort}`, "--token", TEST_CAPTURE_TOKEN, frames], { timeoutMs: 30_000 });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /something answers there, but not native gRPC: the server's native port is HEADCOUNT_GRPC_PORT, 50051 by default/);
});

test("the summary for people is a table, not JSON; --json keeps JSON lines", async () => {
  const run = await runSender(["--server", `127.0.0.1:${ts.grpcPort}`, "--token", TEST_CAPTURE_TOKEN, "--camera", "cli-table", "--quiet", frames], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines[0], "summary");
  assert.doesNotMatch(run.stdout, /[{}"]/, "no JSON");
  const row = (label: string) => lines.find((l) => l.startsWith(`  ${label} `))?.slice(2 + label.length).trim();
  assert.equal(row("frames sent"), "3");
  assert.equal(row("acked"), "3: 3 processed, 0 dropped stale, 0 rejected");
  assert.equal(row("reconnects"), "0");
  assert.equal(row("server"), `127.0.0.1:${ts.grpcPort}`, "where the last session ran");
  assert.match(row("round trip") ?? "", /^p50 \d+ ms, p95 \d+ ms$/);
  const valueColumn = new Set(lines.slice(1).map((l) => l.search(/(?<=\S {2,})\S/)));
  assert.equal(valueColumn.size, 1, `values line up in one column:\n${run.stdout}`);

  const json = await runSender(["--server", `127.0.0.1:${ts.grpcPort}`, "--token", TEST_CAPTURE_TOKEN, "--camera", "cli-table", "--json", frames], { timeoutMs: 60_000 });
  const parsed = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; acked?: number });
  assert.deepEqual(parsed.map((p) => p.type), ["ack", "ack", "ack", "summary"]);
  assert.equal(parsed.at(-1)!.acked, 3);
});

test("npm run send: a handled failure leaves the sender's message and exit code, without npm's error noise", async () => {
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HEADCOUNT_") && !k.startsWith("npm_"))), HEADCOUNT_DATA_DIR: scratch };
    execFile("npm", ["run", "send", "--", "--camrea", "x"], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, output: stdout + stderr }),
    );
  });
  assert.equal(result.code, 2, result.output);
  assert.match(result.output, /headcount send: unknown option --camrea/);
  assert.doesNotMatch(result.output, /npm error|npm ERR!/);
});

test("a sender told where the server's data is never reads the checkout's server/data or ./data instead", async (t) => {
  const local = await startTestServer({ config: { access: { captureAuth: true, captureToken: undefined, viewerPassword: undefined, viewerTokenTtlMs: 60_000 } } });
  t.after(() => local.stop());
  const token = readFileSync(join(local.config.dataDir, "capture-token"), "utf8");
  // A stand-in checkout where `npm start` left its token, as the sender may look relative to where it runs.
  const checkout = join(scratch, "checkout");
  for (const dir of ["server/data", "data"]) {
    mkdirSync(join(checkout, dir), { recursive: true });
    writeFileSync(join(checkout, dir, "capture-token"), token, { mode: 0o600 });
  }
  const empty = mkdtempSync(join(scratch, "empty-data-"));
  const send = (dataDir: string) =>
    runSender(["--server", `127.0.0.1:${local.grpcPort}`, "--camera", "planted", "--json", "--quiet", frames], { cwd: join(checkout, "server"), env: { HEADCOUNT_DATA_DIR: dataDir }, timeoutMs: 60_000 });
  const refused = await send(empty);
  assert.equal(refused.code, 1, `the planted token was used: ${refused.stdout}`);
  assert.match(refused.stderr, new RegExp(`UNAUTHENTICATED[\\s\\S]*none was found in ${empty}/capture-token`));
  assert.equal((await send(local.config.dataDir)).code, 0, "the data directory named is read");
});
