import { resolve } from "node:path";
import { readLocalCaptureToken } from "../access/local-capture-token.ts";
import { SERVER_PACKAGE_DIR } from "../package-dir.ts";

/**
 * The data directory of a server on this machine, as `npm start` runs it:
 * `$HEADCOUNT_DATA_DIR` when set (relative to the server package, like the
 * server itself), else the checkout's `server/data`. Only this one directory
 * is read: a sender told where the data is never falls back to another.
 */
export function localDataDir(env: NodeJS.ProcessEnv, serverPackageDir = SERVER_PACKAGE_DIR): string {
  return resolve(serverPackageDir, env.HEADCOUNT_DATA_DIR || "data");
}

/**
 * The credential the sender uses when no --token is given:
 * `$HEADCOUNT_CAPTURE_TOKEN`, else, for a server on this machine (a loopback
 * target), the local capture token its data directory holds.
 */
export function defaultToken(target: string, env: NodeJS.ProcessEnv, serverPackageDir = SERVER_PACKAGE_DIR): string | undefined {
  if (env.HEADCOUNT_CAPTURE_TOKEN) return env.HEADCOUNT_CAPTURE_TOKEN;
  const host = target.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) return undefined;
  return readLocalCaptureToken([localDataDir(env, serverPackageDir)]);
}
