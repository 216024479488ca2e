import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SERVER_PACKAGE_DIR } from "../package-dir.ts";

/** The repository root (the workspaces' package.json). */
export const REPO_ROOT = resolve(SERVER_PACKAGE_DIR, "..");

/** What the web app's production build is made from, relative to the repository root. */
const WEB_SOURCES = ["web/app", "web/lib", "web/components", "web/next.config.ts", "web/proxy.ts", "web/package.json", "web/tsconfig.json", "proto/gen"];

/** `next build` for the web app, as a command to run (no npm around it). */
export const WEB_BUILD = {
  command: join(REPO_ROOT, "node_modules/.bin/next"),
  args: ["build"],
  cwd: join(REPO_ROOT, "web"),
  env: { NEXT_TELEMETRY_DISABLED: "1" },
} as const;

/**
 * Whether `web/.next` holds a build newer than every source file it is made
 * from. `npm start` and the browser tests build only when it does not (a
 * build takes most of a minute).
 */
export function webBuildIsCurrent(root = REPO_ROOT): boolean {
  const buildId = join(root, "web/.next/BUILD_ID");
  if (!existsSync(buildId)) return false;
  const newestSource = Math.max(...WEB_SOURCES.map((path) => newestMtime(join(root, path))));
  return statSync(buildId).mtimeMs > newestSource;
}

/** The newest modification time in a file or folder tree (0 when it does not exist). */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => (name === "node_modules" || name === ".next" ? max : Math.max(max, newestMtime(join(path, name)))), stat.mtimeMs);
}
