import { chmodSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The local capture token: a random token the server keeps in its store and
 * writes to `<data dir>/capture-token` (readable by its owner only) at every
 * start. It works like the shared capture token, so a CLI sender on the
 * server's own machine can capture without pairing: whoever can read the
 * data directory can read the counts database anyway.
 */
export const LOCAL_TOKEN_FILE = "capture-token";

/** Writes the token file atomically with mode 0600. */
export function writeLocalCaptureToken(dataDir: string, token: string): string {
  const path = join(dataDir, LOCAL_TOKEN_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when the file is created; be sure.
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}

/** The token from the first of `dataDirs` that has a readable token file, or undefined. */
export function readLocalCaptureToken(dataDirs: readonly string[]): string | undefined {
  for (const dir of dataDirs) {
    try {
      const token = readFileSync(join(dir, LOCAL_TOKEN_FILE), "utf8").trim();
      if (token) return token;
    } catch {
      // Not this one.
    }
  }
  return undefined;
}
