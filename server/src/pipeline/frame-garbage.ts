import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Frees a worker's dead frame buffers right after each frame.
 *
 * Why: every frame leaves one dead buffer behind, the decoded RGBA image
 * (534x401x4 = 856 KB, malloc'ed by libvips and owned by a JS Buffer). A
 * worker allocates almost nothing else on the JS heap, so V8 rarely runs a
 * scavenge and collects only when external memory has grown 64 MiB past the
 * last collection: up to ~75 dead frames per worker. Measured (`npm run
 * bench -- soak`): the workers' external memory swung between 105 and 167 MiB,
 * and glibc kept the pages of those peaks, so the server's RSS crept up by
 * about 25% over 10 minutes. One young-generation collection per frame costs
 * about 0.2 ms (against ~47 ms of detection) and keeps the dead frames to one
 * or two.
 */

type GcFunction = (options?: { type?: "minor" | "major"; execution?: "sync" | "async" }) => void;

let collector: GcFunction | null | undefined;

/**
 * V8's `gc()` for this thread, or null where it cannot be had. `--expose-gc`
 * only takes effect in contexts created after it is set, so the function is
 * taken from a fresh context; the flag stays set, which changes nothing else.
 */
function gcFunction(): GcFunction | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: GcFunction }).gc;
  if (typeof exposed === "function") return (collector = exposed);
  try {
    setFlagsFromString("--expose-gc");
    const fn: unknown = runInNewContext("gc");
    collector = typeof fn === "function" ? (fn as GcFunction) : null;
  } catch {
    collector = null;
  }
  return collector;
}

/**
 * Collects the young generation, where the last frame's buffers died. A no-op
 * when V8 does not hand out its `gc()`: memory then stays bounded by V8's own
 * limits, only higher.
 */
export function collectFrameGarbage(): void {
  gcFunction()?.({ type: "minor" });
}
