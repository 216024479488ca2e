import assert from "node:assert/strict";
import { test } from "node:test";
import { createWorkerPool } from "../../server/src/pipeline/worker-pool.ts";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { vtestVideo } from "../support/paths.ts";

const MiB = 1024 ** 2;
const quiet = { info() {}, warn() {}, error() {} };

// A real worker with real sharp decoding: each 640x480 frame leaves a 1.2 MB
// decoded RGBA buffer behind. Left to V8's own schedule, a worker lets about
// 64 MiB of them pile up before collecting (and glibc keeps those pages), so
// the spread below was ~60 MiB before frame-garbage.ts.
test("a frame worker frees each decoded frame before the next: its external memory stays flat over 150 frames", async () => {
  const frames = extractJpegFrames(vtestVideo, { startS: 0, count: 30, fps: 10, width: 640 });
  const pool = await createWorkerPool({
    size: 1,
    detector: { kind: "none", scoreThreshold: 0.5, maxResults: 10, tiling: false },
    maxPixels: 4096 * 4096,
    log: quiet,
  });
  try {
    const external: number[] = [];
    for (let i = 0; i < 150; i++) {
      const outcome = await pool.process(new Uint8Array(frames[i % frames.length]!));
      assert.equal(outcome.kind, "processed", `frame ${i}: ${JSON.stringify(outcome)}`);
      external.push(pool.stats().memory[0]!.externalBytes);
    }
    const settled = external.slice(10);
    const spread = Math.max(...settled) - Math.min(...settled);
    assert.ok(spread < 16 * MiB, `the worker's external memory spread ${(spread / MiB).toFixed(1)} MiB over frames 10..150 (series, MiB: ${settled.map((b) => (b / MiB).toFixed(0)).join(" ")})`);
  } finally {
    await pool.close();
  }
});
