/**
 * One Node.js LTS version for the images and for CI's second run: every FROM
 * of both Dockerfiles names it exactly, .ci/run reads it from there, and
 * package.json's engines, better-sqlite3's engines and the README agree.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/paths.ts";
import { parseDockerfile, stages } from "./docker-files.ts";

const read = (path: string): string => readFileSync(join(repoRoot, path), "utf8");

/** The oldest Node.js line still supported for development (end of life: not in the images). */
const DEV_MAJOR = 20;

const images = ["server/Dockerfile", "web/Dockerfile"].flatMap((file) =>
  stages(parseDockerfile(read(file))).map((s) => ({ where: `${file}:${s.line}`, match: /^node:(\d+)\.(\d+)\.(\d+)-bookworm-slim$/.exec(s.image) })),
);
const [first] = images;
const imageVersion = first?.match ? first.match.slice(1, 4).join(".") : "";
const imageMajor = Number(imageVersion.split(".")[0]);

/** engines.node's alternatives as [major, minor, patch] lower bounds of `^` ranges. */
function caretRanges(range: string): number[][] {
  return range.split("||").map((part) => {
    const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(part.trim());
    assert.ok(m, `engines.node: "${part.trim()}" is not a ^x.y.z range`);
    return m.slice(1, 4).map(Number);
  });
}

test("every FROM of both Dockerfiles is the same exact node:x.y.z-bookworm-slim, on an even (LTS) line newer than 20", () => {
  assert.ok(images.length >= 4, "two stages in each Dockerfile");
  for (const { where, match } of images) {
    assert.ok(match, `${where}: FROM node:<x.y.z>-bookworm-slim (Debian glibc, like this machine, for sharp and better-sqlite3)`);
    assert.equal(match.slice(1, 4).join("."), imageVersion, `${where}: the same Node.js version as ${first!.where}`);
  }
  assert.ok(imageMajor > DEV_MAJOR && imageMajor % 2 === 0, `node ${imageVersion}: an LTS line newer than ${DEV_MAJOR}`);
});

test(".ci/run's second suite runs the Node.js version the images use", () => {
  const fn = /^lts_node_version\(\) \{\n[\s\S]*?\n\}$/m.exec(read(".ci/run"));
  assert.ok(fn, ".ci/run defines lts_node_version");
  const out = execFileSync("bash", ["-c", `set -euo pipefail\n${fn[0]}\nlts_node_version`], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(out.trim(), imageVersion);
});

test("package.json's engines name exactly the tested lines: 20 and the images' LTS, which it admits", () => {
  const ranges = caretRanges((JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node);
  assert.deepEqual(ranges.map((r) => r[0]).sort((a, b) => a! - b!), [DEV_MAJOR, imageMajor]);
  const lts = ranges.find((r) => r[0] === imageMajor)!;
  const [, minor, patch] = imageVersion.split(".").map(Number);
  assert.ok(lts[1]! < minor! || (lts[1] === minor && lts[2]! <= patch!), `engines admit ${imageVersion}`);
});

test("better-sqlite3 (locked) declares support for the images' Node.js line", () => {
  const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { version: string; engines?: { node?: string } }> };
  const sqlite = lock.packages["node_modules/better-sqlite3"]!;
  assert.match(sqlite.version, /^12\./);
  assert.ok(sqlite.engines?.node?.split("||").some((r) => r.trim() === `${imageMajor}.x`), `better-sqlite3 ${sqlite.version} engines: ${sqlite.engines?.node}`);
});

test("the README's quick start states the supported Node.js versions, with the images' exact one", () => {
  const quickStart = read("README.md").split("\n## Quick start")[1]?.split("\n## ")[0] ?? "";
  assert.match(quickStart, new RegExp(`Node\\.js ${imageMajor}\\b`));
  assert.match(quickStart, new RegExp(`Node\\.js ${DEV_MAJOR}\\b`));
  assert.ok(quickStart.includes(imageVersion), `the quick start names ${imageVersion}, what the images and CI run`);
});
