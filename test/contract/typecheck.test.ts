import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/paths.ts";

const tsc = join(repoRoot, "node_modules/.bin/tsc");

// Node runs TypeScript by stripping types (tsx), so only tsc catches type errors.
for (const project of ["server", "web", "test"]) {
  test(`${project}/ typechecks (tsc --noEmit -p ${project})`, () => {
    try {
      execFileSync(tsc, ["--noEmit", "-p", project], { cwd: repoRoot, stdio: "pipe", encoding: "utf8" });
    } catch (err) {
      const out = (err as { stdout?: string }).stdout ?? String(err);
      throw new Error(`type errors in ${project}/:\n${out.slice(0, 4000)}`);
    }
  });
}
