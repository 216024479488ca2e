import { setTimeout as sleep } from "node:timers/promises";
import { SERVER_PACKAGE_DIR } from "../package-dir.ts";
import { launchChild, type ChildCommand, type ChildExit, type LaunchedChild } from "./launched-child.ts";
import { checkServerCanStart, serverEnvironment, StartRefused } from "./start-checks.ts";
import { WEB_BUILD, webBuildIsCurrent } from "./web-build.ts";
import { lanOriginLine } from "./server-log-lines.ts";

/**
 * `npm start`: the embedded default on one machine. Checks what would stop
 * the server at once (configuration, detection model), builds the web app
 * only when its sources changed, then runs the server and the web app. A
 * SIGINT or SIGTERM to this process alone (a service manager, `kill -INT`;
 * npm passes them on) stops both and ends with "headcount: stopped"; when
 * either child ends by itself the other is stopped too and the reason is
 * printed last. Exit codes: 0 stopped on request, 2 configuration refused,
 * else 1 or the code of the child that failed.
 */

/** How long the children get to stop before they are killed. */
const STOP_TIMEOUT_MS = 15_000;

const running = new Set<LaunchedChild>();
let stopping = false;

function say(line: string): void {
  process.stdout.write(`headcount: ${line}\n`);
}

function launch(name: string, what: ChildCommand): LaunchedChild {
  const child = launchChild(name, what);
  running.add(child);
  void child.exited.then(() => running.delete(child));
  return child;
}

/** Sends `signal` to every child still running; true when all ended cleanly within the time allowed. */
async function stopChildren(signal: NodeJS.Signals): Promise<boolean> {
  const live = [...running];
  for (const child of live) child.signal(signal);
  const all = Promise.all(live.map((c) => c.exited));
  const ended = await Promise.race([all, sleep(STOP_TIMEOUT_MS).then(() => undefined)]);
  if (ended) return ended.every(stoppedCleanly);
  for (const child of live.filter((c) => !c.ended())) {
    say(`the ${child.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`);
    child.signal("SIGKILL");
  }
  await all;
  return false;
}

/** A child that ended because it was asked to: 0, or the 128 + signal code Next exits with, or the signal itself. */
function stoppedCleanly(exit: ChildExit): boolean {
  return exit.code === 0 || exit.code === 130 || exit.code === 143 || exit.signal === "SIGINT" || exit.signal === "SIGTERM";
}

async function stopOnSignal(signal: NodeJS.Signals): Promise<void> {
  // A terminal's Ctrl-C comes twice: to the whole process group, and passed on by npm.
  if (stopping) return;
  stopping = true;
  say(`stopping (${signal})`);
  const clean = await stopChildren(signal);
  say("stopped");
  process.exit(clean ? 0 : 1);
}

/** Ends after a failure, with what happened as the last thing printed. */
async function fail(what: string, exitCode: number): Promise<never> {
  stopping = true;
  if (running.size > 0) await stopChildren("SIGTERM");
  process.stderr.write(`\nheadcount: ${what}\n`);
  process.exit(exitCode);
}

function describeExit(child: LaunchedChild, exit: ChildExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const words = child.lastErrors();
  return `the ${child.name} ${how}${words.length ? `. Its last messages:\n  ${words.join("\n  ")}` : ""}`;
}

async function main(): Promise<void> {
  process.on("SIGINT", () => void stopOnSignal("SIGINT"));
  process.on("SIGTERM", () => void stopOnSignal("SIGTERM"));
  const env = serverEnvironment(process.env);
  try {
    await checkServerCanStart(env, say);
  } catch (err) {
    if (err instanceof StartRefused) await fail(`cannot start: ${err.message}`, err.exitCode);
    throw err;
  }
  if (stopping) return;

  if (webBuildIsCurrent()) say("the web app's build is up to date");
  else {
    say("building the web app: its sources changed since the last build (about a minute)");
    const build = launch("web build", { ...WEB_BUILD, env: { ...process.env, ...WEB_BUILD.env } });
    const exit = await build.exited;
    if (stopping) return;
    if (exit.code !== 0) await fail(`cannot start: ${describeExit(build, exit)}`, 1);
  }

  const port = process.env.PORT || "3000";
  let ready = 0;
  // Where phones go: the one line a person reads must say it, not only the server's JSON log.
  let otherDevices = "";
  const started = () => {
    if (++ready < 2) return;
    say(`running: count page http://localhost:${port}/, capture page http://localhost:${port}/capture (Ctrl-C stops it)`);
    if (otherDevices) say(otherDevices);
  };
  const server = launch("server", {
    command: process.execPath,
    args: ["--import", "tsx", "src/main.ts"],
    cwd: SERVER_PACKAGE_DIR,
    env: { ...env, MALLOC_ARENA_MAX: "2" },
    onLine: (line) => {
      otherDevices = lanOriginLine(line) ?? otherDevices;
      if (line.includes('"msg":"headcount server ready"')) started();
    },
  });
  const web = launch("web", {
    command: WEB_BUILD.command,
    args: ["start", "--port", port],
    cwd: WEB_BUILD.cwd,
    env: { ...process.env, ...WEB_BUILD.env },
    onLine: (line) => /\bReady in\b/.test(line) && started(),
  });
  const first = await Promise.race([server, web].map((child) => child.exited.then((exit) => ({ child, exit }))));
  if (stopping) return;
  say(`the ${first.child.name} ended by itself; stopping the rest`);
  await fail(`stopped: ${describeExit(first.child, first.exit)}`, first.exit.code || 1);
}

main().catch((err: unknown) => fail(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 1));
