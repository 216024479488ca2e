import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot, testModelPath } from "../support/paths.ts";
import { waitFor } from "../support/waiting.ts";
import { ensureWebBuild, freePort } from "../support/web-app.ts";

// `npm start` itself, as a person or a service manager runs it: real npm, real
// server and web app, on unusual free ports, with a temporary data directory.

/** `npm start` running, its stdout and stderr in one log in the order written (as a terminal or journald shows them). */
interface NpmStart {
  readonly child: ChildProcess;
  log(): string;
  readonly exited: Promise<number | null>;
  readonly ports: { grpc: number; grpcWeb: number; web: number; https: number };
}

const scratch = mkdtempSync(join(tmpdir(), "headcount-npm-start-"));
const started: NpmStart[] = [];
before(() => ensureWebBuild());
after(() => {
  // Anything a failed test left behind: the whole process group of each npm start.
  for (const run of started) if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-run.child.pid!, "SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

async function npmStart(name: string, env: Record<string, string>): Promise<NpmStart> {
  const ports = { grpc: await freePort(), grpcWeb: await freePort(), web: await freePort(), https: await freePort() };
  const logFile = join(scratch, `${name}.log`);
  const fd = openSync(logFile, "w");
  const child = spawn("npm", ["start"], {
    cwd: repoRoot,
    // Its own process group, so that the signals below reach the npm process alone.
    detached: true,
    stdio: ["ignore", fd, fd],
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HEADCOUNT_") && !k.startsWith("npm_"))),
      HEADCOUNT_HOST: "127.0.0.1",
      HEADCOUNT_GRPC_PORT: String(ports.grpc),
      HEADCOUNT_GRPC_WEB_PORT: String(ports.grpcWeb),
      HEADCOUNT_LAN_HTTPS_PORT: String(ports.https),
      // Bound to loopback, the server knows no address a phone reaches: name one, as a user would.
      HEADCOUNT_PUBLIC_URL: `https://headcount.test:${ports.https}`,
      HEADCOUNT_METRICS: "off",
      HEADCOUNT_WORKERS: "1",
      HEADCOUNT_DATA_DIR: join(scratch, `${name}-data`),
      HEADCOUNT_MODEL_CACHE_DIR: join(scratch, `${name}-models`),
      PORT: String(ports.web),
      ...env,
    },
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const run = { child, log: () => readFileSync(logFile, "utf8"), exited, ports };
  started.push(run);
  return run;
}

/** Resolves with the exit code, or fails after `ms`. */
async function exitWithin(run: NpmStart, ms: number): Promise<number | null> {
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
  const code = await Promise.race([run.exited, timeout]);
  assert.notEqual(code, "timeout", `npm start still runs ${ms / 1000} s later:\n${run.log()}`);
  return code as number | null;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

const lines = (log: string) => log.trimEnd().split("\n");

/** Waits (a few seconds at most: helpers like esbuild end just after their parents) until no process of the run's group is left. */
async function groupGone(run: NpmStart): Promise<void> {
  const alive = () => {
    try {
      process.kill(-run.child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor("every process of npm start to end", async () => !alive(), 10_000).catch((err: Error) => {
    throw new Error(`${err.message}; still running:\n${execFileSync("ps", ["-o", "pid,ppid,args", "-g", String(run.child.pid)], { encoding: "utf8" })}`);
  });
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`${signal} to the npm start process alone stops server and web app cleanly; the log ends with "stopped"; a current build is not rebuilt`, { timeout: 240_000 }, async () => {
    const run = await npmStart(signal.toLowerCase(), { HEADCOUNT_MODEL: testModelPath });
    const up = async () => (await portAnswers(run.ports.grpc)) && (await fetch(`http://127.0.0.1:${run.ports.web}/capture`).then((r) => r.status === 200, () => false));
    await waitFor("the server and the web app to answer", async () => run.child.exitCode !== null || (await up()), 150_000, 250);
    assert.equal(run.child.exitCode, null, `npm start ended:\n${run.log()}`);

    process.kill(run.child.pid!, signal);
    assert.equal(await exitWithin(run, 45_000), 0, run.log());
    assert.match(run.log(), /headcount: running: count page http:\/\/localhost:\d+\//);
    assert.ok(
      run.log().includes(`headcount: phones and other devices on this network: open https://headcount.test:${run.ports.https}/`),
      "the running lines say where phones go, not only the server's JSON log",
    );
    assert.match(run.log(), /headcount: the web app's build is up to date/);
    assert.doesNotMatch(run.log(), /\[web build\]|Creating an optimized production build/, "no build when the sources did not change");
    assert.equal(lines(run.log()).at(-1), "headcount: stopped");
    assert.match(run.log(), new RegExp(`"signal":"${signal}","msg":"stopping"`), "the server was stopped by the signal, not killed");
    await groupGone(run);
    assert.equal(await portAnswers(run.ports.grpc), false);
    assert.equal(await portAnswers(run.ports.web), false);
    assert.doesNotMatch(run.log(), /npm error|npm ERR!/);
  });
}

test("without a model, npm start builds and starts nothing and ends with the command to run, plainly", { timeout: 120_000 }, async () => {
  const run = await npmStart("no-model", { HEADCOUNT_MODEL_DOWNLOAD: "off" });
  assert.equal(await exitWithin(run, 90_000), 1, run.log());
  const log = run.log();
  assert.doesNotMatch(log, /\[web build\]|\[server\]|\[web\]|npm error/);
  assert.match(log, /headcount: cannot start: No person detection model\./);
  assert.deepEqual(lines(log).slice(-2), ["", "    HEADCOUNT_MODEL=/path/to/model.tflite npm start"]);
});

test("when the server cannot start (its port is taken) the web app is stopped too, the reason comes last, and the exit code says it failed", { timeout: 180_000 }, async (t) => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  t.after(() => taken.close());
  const run = await npmStart("port-taken", { HEADCOUNT_MODEL: testModelPath, HEADCOUNT_GRPC_PORT: String((taken.address() as { port: number }).port) });
  assert.equal(await exitWithin(run, 150_000), 1, run.log());
  const log = run.log();
  assert.match(log, /headcount: the server ended by itself; stopping the rest/);
  const end = log.slice(log.lastIndexOf("headcount: stopped: the server exited with code 1."));
  assert.match(end, /^headcount: stopped: the server exited with code 1\. Its last messages:\n(  .*\n)*  .*EADDRINUSE/);
  await groupGone(run);
  assert.equal(await portAnswers(run.ports.web), false);
});
