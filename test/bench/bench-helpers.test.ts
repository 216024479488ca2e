import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fixed, interleave, mean, median, quantile } from "./bench-stats.ts";
import { areaOf, summarizeProfile } from "./cpu-profile-summary.ts";
import { foreignShare } from "./machine-load.ts";
import { reportEfficiency, type Sample } from "./pipeline-efficiency-report.ts";
import type { ServerSnapshot } from "./bench-server-process.ts";

test("median, mean and quantile follow their textbook definitions", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(mean([1, 2, 6]), 3);
  assert.equal(quantile([10, 20, 30, 40], 0.5), 20);
  assert.equal(quantile([10, 20, 30, 40], 0.95), 40);
  assert.equal(quantile([10, 20, 30, 40], 0), 10);
});

test("fixed never shows a negative zero and marks non-numbers", () => {
  assert.equal(fixed(-0.01), "0.0");
  assert.equal(fixed(2.345, 2), "2.35");
  assert.equal(fixed(Number.NaN), "n/a");
});

test("interleave runs every contender once per round and reverses the order every other round", async () => {
  const calls: string[] = [];
  const contender = (name: string) => ({ name, run: async (round: number) => (calls.push(`${name}${round}`), round * 10) });
  const samples = await interleave(3, [contender("a"), contender("b"), contender("c")]);
  assert.deepEqual(calls, ["a0", "b0", "c0", "c1", "b1", "a1", "a2", "b2", "c2"]);
  assert.deepEqual(samples.get("b"), [0, 10, 20]);
});

test("foreignShare is the machine's busy time that our processes did not use", () => {
  const before = { busy: 100, total: 1000, ours: 40 };
  assert.equal(foreignShare(before, { busy: 700, total: 2000, ours: 340 }), 0.3);
  // Our accounting can run ahead of the machine's by a tick: never below zero.
  assert.equal(foreignShare(before, { busy: 200, total: 2000, ours: 160 }), 0);
  assert.equal(foreignShare(undefined, before), undefined);
});

test("areaOf names packages, server folders and V8 buckets", () => {
  assert.equal(areaOf("file:///x/node_modules/@grpc/grpc-js/build/src/server.js", "f"), "@grpc/grpc-js");
  assert.equal(areaOf("file:///x/node_modules/sharp/lib/index.js", "f"), "sharp");
  assert.equal(areaOf("file:///work/main/server/src/pipeline/worker-pool.ts", "f"), "server/pipeline");
  assert.equal(areaOf("", "(idle)"), "(idle)");
  assert.equal(areaOf("node:internal/streams/writable", "f"), "node internals");
});

test("summarizeProfile counts self time per function, only inside the given windows", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-profile-"));
  try {
    const path = join(dir, "CPU.20260101.000000.42.3.001.cpuprofile");
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    writeFileSync(path, JSON.stringify({
      nodes: [{ id: 1, callFrame: frame("(idle)", "") }, { id: 2, callFrame: frame("decode", "file:///a/node_modules/sharp/x.js") }, { id: 3, callFrame: frame("run", "file:///r/server/src/pipeline/p.ts") }],
      startTime: 1_000,
      // Samples at 1100 (sharp), 1200 (run), 1300 (idle), 1400 (sharp).
      samples: [2, 3, 1, 2],
      timeDeltas: [100, 100, 100, 100],
    }));
    const all = summarizeProfile(path);
    assert.equal(all.threadId, 3);
    assert.equal(all.totalMs, 0.4);
    assert.deepEqual(all.areas.map((a) => [a.area, a.share]), [["sharp", 0.5], ["server/pipeline", 0.25], ["(idle)", 0.25]]);
    const windowed = summarizeProfile(path, 5, [[1_150, 1_350]]);
    assert.deepEqual(windowed.areas.map((a) => a.area).sort(), ["(idle)", "server/pipeline"]);
    assert.equal(windowed.totalMs, 0.2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the efficiency report gives the CPU outside detection as a share of detection CPU, paired per round, against the 15% goal", () => {
  // Fake measurements (pure report logic): detection 40 ms of CPU per frame; the whole server 48, 44 and 45.2 ms in three rounds.
  const fakeSnapshot = { rssBytes: 1, heapUsedBytes: 1, externalBytes: 1, pipeline: { processed: 10 } } as unknown as ServerSnapshot;
  const sample = (fps: number, cpuMsPerFrame: number): Sample => ({ fps, cpuMsPerFrame, detectMs: 40 });
  const measured = (pipelineCpu: readonly number[]) => ({
    n: 1, rounds: 3, durationMs: 1000, warmupMs: 100, frames: "fake", detectorName: "fake", imageSize: { width: 1, height: 1 }, profileDir: undefined,
    samples: new Map([["detector-1", [sample(25, 40), sample(25, 40), sample(25, 40)]], ["pipeline-1", pipelineCpu.map((cpu) => sample(20, cpu))]]),
    warm: fakeSnapshot, end: fakeSnapshot, single: undefined,
  });
  const over = reportEfficiency(measured([48, 44, 45.2]));
  const row = over.rows.find((r) => r.measure.includes("CPU outside detection"));
  assert.ok(row, over.rows.map((r) => r.measure).join("\n"));
  assert.match(row.value, /^13% \(5\.2 of 40\.0 ms; per round 20% 10% 13%\)/);
  assert.equal(row.goal, "<= 15%");
  assert.equal(row.met, true);
  assert.equal(reportEfficiency(measured([48, 44, 46.4])).rows.find((r) => r.measure.includes("CPU outside detection"))?.met, false);
  assert.deepEqual((over.data as { cpuMsPerFrame: { outsideDetectionSharePerRound: number[] } }).cpuMsPerFrame.outsideDetectionSharePerRound.map((x) => Math.round(x * 100)), [20, 10, 13]);
});
