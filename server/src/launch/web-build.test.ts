import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { webBuildIsCurrent } from "./web-build.ts";

test("the web build is current only when it is newer than every source it is made from", (t) => {
  const root = mkdtempSync(join(tmpdir(), "headcount-web-build-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  /** Writes a file dated `seconds`, its folder too (adding a file touches the folder). */
  const at = (path: string, seconds: number) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), "x");
    utimesSync(join(root, path), seconds, seconds);
    utimesSync(join(root, path, ".."), seconds, seconds);
  };
  at("web/app/page.tsx", 1_000);
  at("proto/gen/headcount.ts", 1_000);
  at("web/next.config.ts", 1_000);
  assert.equal(webBuildIsCurrent(root), false, "never built");
  at("web/.next/BUILD_ID", 2_000);
  assert.equal(webBuildIsCurrent(root), true);
  at("web/lib/new-helper.ts", 3_000);
  assert.equal(webBuildIsCurrent(root), false, "a source file newer than the build");
  at("web/.next/BUILD_ID", 4_000);
  assert.equal(webBuildIsCurrent(root), true);
  at("web/next.config.ts", 5_000);
  assert.equal(webBuildIsCurrent(root), false, "the Next configuration changed");
  at("web/.next/BUILD_ID", 6_000);
  at("web/node_modules/next/index.js", 7_000);
  assert.equal(webBuildIsCurrent(root), true, "dependencies and build output are not sources");
});
