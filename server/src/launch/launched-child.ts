import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process the launcher started, its output prefixed with its name. */
export interface LaunchedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<ChildExit>;
  /** Whether it has ended. */
  ended(): boolean;
  /** Its last lines on stderr (the reason when it fails). */
  lastErrors(): string[];
  /** Sends a signal unless it has ended. */
  signal(signal: NodeJS.Signals): void;
}

/** What to run. */
export interface ChildCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Sees every line it prints (stdout and stderr), e.g. to notice it is ready. */
  readonly onLine?: (line: string) => void;
}

const COLOURS: Record<string, string> = { server: "34", web: "35", "web build": "35" };
const KEEP_ERROR_LINES = 8;

/**
 * Starts a child in the launcher's process group (a terminal's Ctrl-C reaches
 * it directly as well) and copies its output line by line, prefixed with its
 * name, coloured on a terminal.
 */
export function launchChild(name: string, what: ChildCommand): LaunchedChild {
  const child = spawn(what.command, [...what.args], { cwd: what.cwd, env: what.env, stdio: ["ignore", "pipe", "pipe"] });
  const colour = COLOURS[name];
  const prefix = process.stdout.isTTY && colour ? `\x1b[${colour}m[${name}]\x1b[0m ` : `[${name}] `;
  const errors: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    process.stdout.write(`${prefix}${line}\n`);
    what.onLine?.(line);
  });
  createInterface({ input: child.stderr! }).on("line", (line) => {
    process.stderr.write(`${prefix}${line}\n`);
    what.onLine?.(line);
    if (line.trim()) errors.push(line);
    if (errors.length > KEEP_ERROR_LINES) errors.shift();
  });
  let done = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("error", (err) => {
      errors.push(`could not start ${what.command}: ${err.message}`);
      done = true;
      resolve({ code: 127, signal: null });
    });
    // Reported on "close", when its output has been read to the end, so nothing of it comes after;
    // a grandchild that keeps the pipes open delays that by at most a second.
    const end = (code: number | null, signal: NodeJS.Signals | null) => {
      done = true;
      resolve({ code, signal });
    };
    child.once("exit", (code, signal) => setTimeout(() => end(code, signal), 1_000).unref());
    child.once("close", end);
  });
  return {
    name,
    process: child,
    exited,
    ended: () => done,
    lastErrors: () => [...errors],
    signal(signal) {
      if (!done) child.kill(signal);
    },
  };
}
