import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./paths.ts";

/** The sender CLI as its own process. */
export interface SenderProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process ended. */
  readonly exited: Promise<number | null>;
}

/** Options for {@link spawnSender}. */
export interface SenderOptions {
  /** HEADCOUNT_* variables for the CLI; none of the test runner's are passed on. */
  readonly env?: Record<string, string>;
  /** Killed (SIGKILL) after this long, so a hanging sender fails its test instead of stalling the run. */
  readonly timeoutMs?: number;
  readonly cwd?: string;
}

/**
 * Starts the real sender (`server/src/cli/send-main.ts`). It gets its own
 * empty data directory unless `env` names one, so a sender without --token
 * never finds the checkout's `server/data/capture-token` (left there by
 * `npm start`): tests never read the developer's data.
 */
export function spawnSender(args: readonly string[], options: SenderOptions = {}): SenderProcess {
  const ownDataDir = options.env?.HEADCOUNT_DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), "headcount-sender-data-"));
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("HEADCOUNT_"))),
    ...(ownDataDir ? { HEADCOUNT_DATA_DIR: ownDataDir } : {}),
    ...options.env,
  };
  // An absolute loader path, so the sender runs from any working directory.
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), join(repoRoot, "server/src/cli/send-main.ts"), ...args], {
    cwd: options.cwd ?? repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      if (ownDataDir) rmSync(ownDataDir, { recursive: true, force: true });
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs the sender to its end: exit code, output, and how long it took. */
export async function runSender(args: readonly string[], options: SenderOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const sender = spawnSender(args, options);
  const code = await sender.exited;
  return { code, stdout: sender.stdout(), stderr: sender.stderr(), ms: Date.now() - started };
}
