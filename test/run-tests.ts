import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { watchCheckoutData } from "./support/checkout-data-guard.ts";
import { repoRoot } from "./support/paths.ts";

/**
 * Runs every `*.test.ts` of the repository with node's test runner (Node 20's
 * `--test` does not expand globs or find .ts files by itself). Extra arguments
 * filter by path substring: `npm test -- grpc-web`; `--skip <substring>` leaves
 * matching files out: `npm test -- --skip test/e2e/`.
 */
const roots = ["server/src", "web/lib", "test"];
const { filters, skips } = parseArgs(process.argv.slice(2));

function parseArgs(args: string[]): { filters: string[]; skips: string[] } {
  const out = { filters: [] as string[], skips: [] as string[] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "--skip") out.filters.push(args[i]!);
    else if (args[i + 1]) out.skips.push(args[++i]!);
    else throw new Error("--skip needs a path substring");
  }
  return out;
}

function find(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === "node_modules" || name.startsWith(".")) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

const files = roots
  .flatMap((r) => {
    try {
      return find(join(repoRoot, r));
    } catch {
      return [];
    }
  })
  .map((f) => relative(repoRoot, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .filter((f) => !skips.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}${skips.length ? ` without ${skips.join(" ")}` : ""}`);
  process.exit(1);
}
// Tests never touch the checkout's own data (what `npm start` left in server/data): anything that
// falls back to a default data directory (a sender without --token, a server without
// HEADCOUNT_DATA_DIR) gets an empty one of this run, and a run that wrote there fails.
const runData = mkdtempSync(join(tmpdir(), "headcount-test-run-"));
const checkoutData = watchCheckoutData();
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-timeout=600000", ...files], {
  cwd: repoRoot,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", HEADCOUNT_DATA_DIR: join(runData, "data"), HEADCOUNT_MODEL_CACHE_DIR: join(runData, "models") },
});
rmSync(runData, { recursive: true, force: true });
const appeared = checkoutData.appeared();
if (appeared.length > 0) {
  console.error(`\nThe tests wrote into the checkout's own data: ${appeared.join(", ")}. Every test must use its own temporary data directory.`);
  console.error("(A server started with npm start while the tests ran writes there too: then run them again.)");
  process.exit(1);
}
process.exit(result.status ?? 1);
