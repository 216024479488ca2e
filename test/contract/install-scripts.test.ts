import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../support/paths.ts";

/**
 * Every package in package-lock.json that has an install script is reviewed in
 * package.json's allowScripts (approved with true, denied with false), and
 * allowScripts names nothing else. npm runs an unreviewed dependency's script
 * with a warning today and documents blocking it by default; either way a new
 * one must not arrive unnoticed. Entries are what `npm install-scripts approve`
 * writes: `name@exact-version` (or a bare `name` for any version).
 */

interface LockPackage {
  readonly name?: string;
  readonly version?: string;
  readonly hasInstallScript?: boolean;
  readonly link?: boolean;
}
interface Lockfile {
  readonly packages: Record<string, LockPackage>;
}
type AllowScripts = Record<string, boolean>;

const readJson = (file: string): unknown => JSON.parse(readFileSync(join(repoRoot, file), "utf8"));
const lockfile = readJson("package-lock.json") as Lockfile;
const allowScripts = ((readJson("package.json") as { allowScripts?: AllowScripts }).allowScripts ?? {}) as AllowScripts;

/** Packages of the lockfile (every platform's, not only this machine's) that have an install script, as name@version. */
function withInstallScripts(lock: Lockfile): string[] {
  return Object.entries(lock.packages)
    .filter(([path, pkg]) => path.includes("node_modules/") && pkg.hasInstallScript && !pkg.link)
    .map(([path, pkg]) => `${pkg.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)}@${pkg.version}`)
    .sort();
}

/** An allowScripts key split into the package name and its version ("" for any version). */
function parseKey(key: string): { name: string; version: string } {
  const at = key.indexOf("@", 1);
  return at < 0 ? { name: key, version: "" } : { name: key.slice(0, at), version: key.slice(at + 1) };
}

/** Whether an allowScripts key covers a package (name@version). */
function covers(key: string, id: string): boolean {
  const k = parseKey(key);
  const p = parseKey(id);
  return k.name === p.name && (k.version === "" || k.version === p.version);
}

/** The lockfile's packages with install scripts that no allowScripts entry covers. */
function unreviewed(lock: Lockfile, allow: AllowScripts): string[] {
  return withInstallScripts(lock).filter((id) => !Object.keys(allow).some((key) => covers(key, id)));
}

/** allowScripts entries that match no package with an install script (what `npm install-scripts prune` removes). */
function stale(lock: Lockfile, allow: AllowScripts): string[] {
  const present = withInstallScripts(lock);
  return Object.keys(allow).filter((key) => !present.some((id) => covers(key, id)));
}

const reviewHint = "review its install script, then `npm install-scripts approve <name>` (or `deny`) and explain it in README.md's Development section";

describe("install scripts", () => {
  test("every dependency with an install script is reviewed in package.json's allowScripts", () => {
    assert.ok(withInstallScripts(lockfile).length > 0, "package-lock.json lists no install script: hasInstallScript flags missing?");
    assert.deepEqual(unreviewed(lockfile, allowScripts), [], `not in allowScripts: ${reviewHint}`);
  });

  test("allowScripts names only packages of the lockfile that have an install script, at their locked version", () => {
    for (const key of Object.keys(allowScripts)) {
      const { version } = parseKey(key);
      assert.match(version, /^(\d+\.\d+\.\d+([-+][\w.-]+)?)?$/, `${key}: this check reads only name and name@exact-version entries`);
    }
    assert.deepEqual(stale(lockfile, allowScripts), [], "stale allowScripts entries: `npm install-scripts prune`");
  });

  test("npm itself finds nothing installed that allowScripts leaves uncovered", () => {
    const out = execFileSync("npm", ["install-scripts", "ls"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.doesNotMatch(out, /@\d/, `npm install-scripts ls lists packages:\n${out}`);
  });

  test("the check catches a new package with an install script, and a version the review did not cover", () => {
    const [first] = withInstallScripts(lockfile);
    const { name, version } = parseKey(first!);
    const arrived: Lockfile = {
      packages: { ...lockfile.packages, "node_modules/some-new-native-addon": { version: "1.0.0", hasInstallScript: true } },
    };
    assert.deepEqual(unreviewed(arrived, allowScripts), ["some-new-native-addon@1.0.0"]);
    const bumped: Lockfile = {
      packages: { ...lockfile.packages, [`node_modules/${name}`]: { version: `${version}-next.0`, hasInstallScript: true } },
    };
    const pinned = Object.keys(allowScripts).some((key) => key === `${name}@${version}`);
    assert.deepEqual(unreviewed(bumped, allowScripts), pinned ? [`${name}@${version}-next.0`] : []);
  });
});
