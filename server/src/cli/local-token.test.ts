import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { defaultToken, localDataDir } from "./local-token.ts";

test("the sender reads the one data directory it is told of, else the server package's data, and only for loopback targets", (t) => {
  const serverDir = mkdtempSync(join(tmpdir(), "headcount-local-token-"));
  t.after(() => rmSync(serverDir, { recursive: true, force: true }));
  mkdirSync(join(serverDir, "data"));
  writeFileSync(join(serverDir, "data/capture-token"), "checkout-token\n");
  mkdirSync(join(serverDir, "elsewhere"));

  assert.equal(localDataDir({}, serverDir), join(serverDir, "data"));
  assert.equal(localDataDir({ HEADCOUNT_DATA_DIR: "elsewhere" }, serverDir), join(serverDir, "elsewhere"), "relative to the server package, as npm start runs it");
  assert.equal(defaultToken("127.0.0.1:50051", {}, serverDir), "checkout-token");
  assert.equal(defaultToken("[::1]:50051", {}, serverDir), "checkout-token");
  assert.equal(defaultToken("127.0.0.1:50051", { HEADCOUNT_DATA_DIR: join(serverDir, "elsewhere") }, serverDir), undefined, "no fallback to server/data");
  assert.equal(defaultToken("192.168.1.20:50051", {}, serverDir), undefined, "a remote server's token is not on this machine");
  assert.equal(defaultToken("192.168.1.20:50051", { HEADCOUNT_CAPTURE_TOKEN: "shared-token-0123456789" }, serverDir), "shared-token-0123456789");
});
