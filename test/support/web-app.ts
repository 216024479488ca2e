import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { WEB_BUILD, webBuildIsCurrent } from "../../server/src/launch/web-build.ts";
import { repoRoot } from "./paths.ts";

const webDir = join(repoRoot, "web");

/** Builds the Next app unless a build newer than every source file exists (the check `npm start` makes). */
export function ensureWebBuild(): void {
  if (webBuildIsCurrent()) return;
  execFileSync(WEB_BUILD.command, WEB_BUILD.args, { cwd: WEB_BUILD.cwd, stdio: "inherit", env: { ...process.env, ...WEB_BUILD.env } });
}

/** A free TCP port on 127.0.0.1 (next start cannot bind port 0 and report it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The production Next server, started for a test. */
export interface WebApp {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts `next start` on 127.0.0.1 with the given gRPC-Web URL and waits
 * until it answers. `port`: one picked beforehand, so the server can be told
 * the web app's origin (its CORS default) before the app starts.
 */
export async function startWebApp(grpcWebUrl: string, options: { readonly port?: number } = {}): Promise<WebApp> {
  ensureWebBuild();
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(join(repoRoot, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: webDir,
    env: { ...process.env, HEADCOUNT_GRPC_WEB_URL: grpcWebUrl, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${output}`);
    await sleep(200);
  }
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
