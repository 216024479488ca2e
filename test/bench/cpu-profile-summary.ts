import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

/** Where one thread spent its sampled time. */
export interface ThreadProfile {
  /** File name of the profile (Node names them CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile). */
  readonly file: string;
  /** 0 is the main thread; workers count up. */
  readonly threadId: number;
  readonly totalMs: number;
  /** Share of sampled time per area (package, server folder, or V8 bucket like "(idle)"). */
  readonly areas: readonly { area: string; ms: number; share: number }[];
  /** The functions with the most self time. */
  readonly functions: readonly { name: string; area: string; ms: number; share: number }[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Names the area a script belongs to: an npm package, a server folder, or a V8 bucket. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /server\/src\/([^/]+)\//.exec(url);
  if (ours) return `server/${ours[1]}`;
  if (url.startsWith("node:")) return "node internals";
  if (/wasm/.test(url)) return "wasm";
  return basename(url);
}

/** A time span on the profiles' clock (CLOCK_MONOTONIC, microseconds, as `process.hrtime`). */
export type ProfileWindow = readonly [startUs: number, endUs: number];

/**
 * Self time per area and per function of one `.cpuprofile` file, counting
 * only samples inside `windows` when given (e.g. the measured rounds, so
 * start-up and pauses between rounds do not dilute the picture).
 */
export function summarizeProfile(path: string, top = 12, windows?: readonly ProfileWindow[]): ThreadProfile {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (windows && !windows.some(([from, to]) => at >= from && at <= to)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, { area: string; us: number }>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name = `${frame.functionName || "(anonymous)"} ${basename(frame.url)}:${frame.lineNumber + 1}`;
    const f = functions.get(name) ?? { area, us: 0 };
    f.us += us;
    functions.set(name, f);
  }
  const file = basename(path);
  const share = (us: number) => (total > 0 ? us / total : 0);
  return {
    file,
    threadId: Number(file.split(".")[4] ?? -1),
    totalMs: total / 1000,
    areas: [...areas].sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: us / 1000, share: share(us) })),
    functions: [...functions]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([name, f]) => ({ name, area: f.area, ms: f.us / 1000, share: share(f.us) })),
  };
}

/** Summaries of every profile in `dir` (see {@link summarizeProfile}), main thread first. */
export function summarizeProfiles(dir: string, top = 12, windows?: readonly ProfileWindow[]): ThreadProfile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => summarizeProfile(join(dir, f), top, windows))
    .sort((a, b) => a.threadId - b.threadId);
}
