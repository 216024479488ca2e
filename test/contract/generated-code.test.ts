import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/paths.ts";

const protoDir = join(repoRoot, "proto");
const bin = join(repoRoot, "node_modules/.bin");
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

test("the .proto files pass buf lint", () => {
  execFileSync("buf", ["lint"], { cwd: protoDir, env, stdio: "pipe" });
});

test("the checked-in generated code is what buf generate makes from the .proto files", () => {
  const out = mkdtempSync(join(tmpdir(), "headcount-gen-"));
  try {
    execFileSync("buf", ["generate", "--output", out], { cwd: protoDir, env, stdio: "pipe" });
    const fresh = listFiles(join(out, "gen")).map((f) => relative(join(out, "gen"), f)).sort();
    const checkedIn = listFiles(join(protoDir, "gen")).map((f) => relative(join(protoDir, "gen"), f)).sort();
    assert.deepEqual(checkedIn, fresh, "generated file list differs: run `npm run gen` and commit");
    for (const file of fresh) {
      assert.equal(
        readFileSync(join(protoDir, "gen", file), "utf8"),
        readFileSync(join(out, "gen", file), "utf8"),
        `proto/gen/${file} is stale: run \`npm run gen\` and commit the result`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
