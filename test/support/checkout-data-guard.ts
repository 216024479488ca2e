import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "./paths.ts";

/**
 * The checkout's own data directories: `server/data` (where `npm start` keeps
 * the developer's history, model and local capture token) and `data` (the
 * server's default when run from the repository root). Tests never read or
 * write them.
 */
export const CHECKOUT_DATA_DIRS = [join(repoRoot, "server/data"), join(repoRoot, "data")];

function entries(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [relative(repoRoot, path)];
  return [`${relative(repoRoot, path)}/`, ...readdirSync(path).flatMap((name) => entries(join(path, name)))];
}

/**
 * Notes what the checkout's data directories hold now; `appeared()` later
 * lists what came into being since (a test that wrote there).
 */
export function watchCheckoutData(): { appeared(): string[] } {
  const before = new Set(CHECKOUT_DATA_DIRS.flatMap(entries));
  return { appeared: () => CHECKOUT_DATA_DIRS.flatMap(entries).filter((entry) => !before.has(entry)) };
}
