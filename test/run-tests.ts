import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
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
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-timeout=600000", ...files], {
  cwd: repoRoot,
  stdio: "inherit",
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
});
process.exit(result.status ?? 1);
