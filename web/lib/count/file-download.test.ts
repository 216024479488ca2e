import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { downloadFileName, fallbackFileName } from "./file-download.ts";

describe("download file names", () => {
  it("keep the server's suggestion when it is safe", () => {
    assert.equal(downloadFileName("headcount-events-hall-2026-11-25.csv", "x.csv"), "headcount-events-hall-2026-11-25.csv");
  });

  it("strip path separators, spaces and leading dots", () => {
    assert.equal(downloadFileName("../../etc/passwd", "x.csv"), "etc_passwd");
    assert.equal(downloadFileName("my file (1).json", "x.json"), "my_file_1_.json");
    assert.equal(downloadFileName(".hidden.csv", "x.csv"), "hidden.csv");
  });

  it("fall back when nothing usable is suggested", () => {
    const fallback = fallbackFileName("series", "json", "");
    assert.equal(fallback, "headcount-series-all.json");
    assert.equal(downloadFileName("", fallback), fallback);
    assert.equal(downloadFileName("///", fallback), fallback);
    assert.equal(fallbackFileName("events", "csv", "hall"), "headcount-events-hall.csv");
  });
});
