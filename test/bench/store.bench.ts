import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { DEFAULT_FILE_NAME, type SyncMode } from "../../server/src/store/sqlite-open.ts";
import { openSqliteStore } from "../../server/src/store/sqlite-store.ts";
import type { NewEvent, StoredEventKind } from "../../server/src/store/store.ts";
import { outDir } from "../support/paths.ts";
import { fixed, median, quantile } from "./bench-stats.ts";
import type { BenchContext, BenchReport, BenchRow, Benchmark } from "./bench-types.ts";
import { seededRandom } from "../support/seeded-random.ts";

/**
 * How long the store takes to append one frame's events (the time an ack
 * waits for them) and how big the file grows per camera-day at 10 fps.
 * Standalone: `node --import tsx test/bench/store.bench.ts [--quick]`; also
 * run by `npm run bench -- store`. Writes test/.out/bench/store.json.
 */

const KINDS: readonly StoredEventKind[] = ["entry", "exit", "cross_in", "cross_out"];

/** What the camera-day simulation wrote and measured. */
interface CameraDayResult {
  readonly events: number;
  readonly batches: number;
  readonly sessionsPerDay: number;
  readonly emptyBytes: number;
  /** File size after each simulated day, after a WAL checkpoint. */
  readonly bytesAfterDay: readonly number[];
  /** [hour series over all days, newest 100 events, one whole day's events in pages of 1,000], ms. */
  readonly queryMs: readonly number[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const PEOPLE = 2_000;
const FRAME_MS = 100;


/** One day of a busy door: 2,000 people, each entering, crossing the line once and leaving. */
function dayEvents(dayStart: number, rand: () => number): NewEvent[] {
  const events: NewEvent[] = [];
  const gauss = () => (rand() + rand() + rand() + rand() - 2) / 0.58;
  for (let p = 0; p < PEOPLE; p++) {
    // Two peaks (about 09:00 and 17:30), clamped to opening hours 07:00-21:00.
    const peak = rand() < 0.5 ? 9 * HOUR : 17.5 * HOUR;
    const at = Math.min(21 * HOUR, Math.max(7 * HOUR, peak + gauss() * 1.5 * HOUR));
    const enter = dayStart + Math.round(at / FRAME_MS) * FRAME_MS;
    const trackId = (dayStart / DAY) * 10_000 + p + 1;
    const cross = enter + FRAME_MS * (20 + Math.floor(rand() * 40));
    const exit = cross + FRAME_MS * (30 + Math.floor(rand() * 350));
    events.push({ kind: "entry", trackId, timeMs: enter });
    events.push({ kind: rand() < 0.5 ? "cross_in" : "cross_out", trackId, timeMs: cross });
    events.push({ kind: "exit", trackId, timeMs: exit });
  }
  return events.sort((a, b) => a.timeMs - b.timeMs);
}

function fileBytes(dir: string): number {
  const file = join(dir, DEFAULT_FILE_NAME);
  const db = new Database(file);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return statSync(file).size;
}

/** Writes `days` camera-days through the Store API, hour-long sessions, one batch per frame with events. */
async function simulateCameraDay(dir: string, days: number): Promise<CameraDayResult> {
  const store = openSqliteStore({ dataDir: dir });
  const emptyBytes = fileBytes(dir);
  const rand = seededRandom(7);
  const start = Date.UTC(2025, 5, 2);
  await store.upsertCamera("door", "Front door", start);
  let events = 0;
  let batches = 0;
  const bytesAfterDay: number[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY;
    const all = dayEvents(dayStart, rand);
    let i = 0;
    for (let h = 0; h < 24; h++) {
      const sessionId = `door-${d}-${h}`;
      const hourEnd = dayStart + (h + 1) * HOUR;
      await store.openSession(sessionId, "door", dayStart + h * HOUR);
      while (i < all.length && all[i]!.timeMs < hourEnd) {
        const batch = [all[i++]!];
        while (i < all.length && all[i]!.timeMs === batch[0]!.timeMs) batch.push(all[i++]!);
        await store.appendEvents("door", sessionId, batch);
        events += batch.length;
        batches++;
      }
      await store.closeSession(sessionId, hourEnd - FRAME_MS, HOUR / FRAME_MS);
    }
    bytesAfterDay.push(fileBytes(dir));
  }
  const timed = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const queryMs = [
    await timed(() => store.series({ cameraId: "door", fromMs: start, toMs: start + days * DAY, bucket: "hour" })),
    await timed(() => store.events({ cameraId: "door", limit: 100 })),
    await timed(async () => {
      let cursor: string | undefined;
      do cursor = (await store.events({ cameraId: "door", fromMs: start, toMs: start + DAY, limit: 1_000, cursor })).nextCursor ?? undefined;
      while (cursor);
    }),
  ];
  await store.close();
  return { events, batches, sessionsPerDay: 24, emptyBytes, bytesAfterDay, queryMs };
}

interface LatencyResult {
  readonly syncMode: SyncMode;
  readonly appends: number;
  readonly events: number;
  readonly medianUs: number;
  readonly p95Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly usPerEvent: number;
}

/** Appends `count` batches of 1-3 events (after a warm-up), or fewer when `budgetMs` runs out. */
async function appendLatency(dir: string, syncMode: SyncMode, count: number, budgetMs: number): Promise<LatencyResult> {
  rmSync(dir, { recursive: true, force: true });
  const store = openSqliteStore({ dataDir: dir, syncMode });
  await store.upsertCamera("cam", "", 0);
  await store.openSession("s", "cam", 0);
  const samples: number[] = [];
  let events = 0;
  const deadline = performance.now() + budgetMs;
  for (let i = -200; i < count && performance.now() < deadline; i++) {
    const size = 1 + (((i % 3) + 3) % 3);
    const timeMs = 1_750_000_000_000 + (i + 200) * 100;
    const batch: NewEvent[] = Array.from({ length: size }, (_, j) => ({ kind: KINDS[(i + j + 400) % 4]!, trackId: i + 200, timeMs }));
    const t0 = performance.now();
    await store.appendEvents("cam", "s", batch);
    const us = (performance.now() - t0) * 1000;
    if (i < 0) continue; // warm-up
    samples.push(us);
    events += size;
  }
  await store.close();
  const total = samples.reduce((a, b) => a + b, 0);
  return {
    syncMode, appends: samples.length, events,
    medianUs: median(samples), p95Us: quantile(samples, 0.95), p99Us: quantile(samples, 0.99), maxUs: Math.max(...samples),
    usPerEvent: total / events,
  };
}

/** Bytes per table and index (SQLite's dbstat), after a checkpoint. */
function breakdown(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare<[], { name: string; bytes: number }>("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC").all();
    return Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
  } finally {
    db.close();
  }
}

async function run(ctx: BenchContext): Promise<BenchReport> {
  const work = join(outDir, "bench/store-data");
  const appends = ctx.quick ? 2_000 : 10_000;
  const days = ctx.quick ? 2 : 7;
  ctx.log(`append latency, ${appends} batches per mode`);
  const latency = [
    await appendLatency(join(work, "normal"), "NORMAL", appends, ctx.quick ? 5_000 : 20_000),
    await appendLatency(join(work, "full"), "FULL", appends, ctx.quick ? 5_000 : 20_000),
  ];

  ctx.log(`simulating ${days} camera-days at 10 fps`);
  const dayDir = join(work, "days");
  rmSync(dayDir, { recursive: true, force: true });
  const sim = await simulateCameraDay(dayDir, days);
  const file = join(dayDir, DEFAULT_FILE_NAME);
  const tables = breakdown(file);
  const growth = sim.bytesAfterDay.slice(1).map((b, i) => b - sim.bytesAfterDay[i]!);
  const perDay = growth.length ? growth.reduce((a, b) => a + b, 0) / growth.length : sim.bytesAfterDay[0]!;
  const eventsPerDay = sim.events / days;

  const t0 = performance.now();
  const reopened = openSqliteStore({ dataDir: dayDir });
  const openMs = performance.now() - t0;
  await reopened.close();
  rmSync(work, { recursive: true, force: true });

  const rows: BenchRow[] = [
    ...latency.map((l) => ({
      measure: `append one frame's batch (1-3 events), synchronous=${l.syncMode}, n=${l.appends}`,
      value: `median ${fixed(l.medianUs, 0)} µs, p95 ${fixed(l.p95Us, 0)} µs, p99 ${fixed(l.p99Us, 0)} µs, max ${fixed(l.maxUs / 1000, 1)} ms; ${fixed(l.usPerEvent, 0)} µs/event`,
    })),
    { measure: "events per camera-day (simulated)", value: `${fixed(eventsPerDay, 0)} in ${fixed(sim.batches / days, 0)} batches, ${sim.sessionsPerDay} sessions` },
    { measure: "database growth per camera-day", value: `${fixed(perDay / 1024, 1)} KiB (${fixed(perDay / eventsPerDay, 1)} bytes/event)` },
    {
      measure: "of which, per camera-day",
      value: (["events", "events_by_camera_time", "events_by_time", "minute_counts", "minute_counts_by_minute", "sessions"] as const)
        .map((name) => `${name} ${fixed((tables[name] ?? 0) / days / 1024, 1)} KiB`)
        .join(", "),
    },
    { measure: `file after ${days} camera-days`, value: `${fixed(sim.bytesAfterDay.at(-1)! / 1024, 1)} KiB (empty schema ${fixed(sim.emptyBytes / 1024, 1)} KiB)` },
    { measure: `open with quick_check, ${days} camera-days`, value: `${fixed(openMs, 1)} ms` },
    { measure: `query: ${days} days in hour buckets / newest 100 events / one day's events (export)`, value: sim.queryMs.map((ms) => `${fixed(ms, 2)} ms`).join(" / ") },
  ];
  const notes = [
    "Stored per camera-day: count events, sessions and minute buckets only; frames and acks are never stored (864,000 acked frames a day at 10 fps add nothing).",
    `Simulated day: 2,000 people, each an entry, one line crossing (half in, half out) and an exit, arriving 07:00-21:00 with two peaks; events of one 100 ms frame form one batch; the camera reconnects every hour (${sim.sessionsPerDay} sessions a day).`,
    "Latency is the await of Store.appendEvents in process (one IMMEDIATE transaction: totals row, events, minute upserts, commit) on ext4 on a 2-core VM; NORMAL does not fsync per commit (survives a process kill), FULL fsyncs the WAL per commit (survives power loss).",
    "Growth per day is the file-size difference between consecutive simulated days after a WAL checkpoint (the first day also carries the schema).",
  ];
  const data = { latency, days, simulation: sim, bytesPerCameraDay: perDay, bytesPerEvent: perDay / eventsPerDay, tables, openWithQuickCheckMs: openMs };
  mkdirSync(join(outDir, "bench"), { recursive: true });
  writeFileSync(join(outDir, "bench/store.json"), JSON.stringify({ measuredAt: new Date().toISOString(), rows, notes, data }, null, 2) + "\n");
  return { rows, notes, data };
}

/** The store benchmark, for `run-bench.ts`. */
export const benchmark: Benchmark = {
  id: "store",
  title: "Store: time to store one frame's events, database size per camera-day",
  run,
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await run({ quick: process.argv.includes("--quick"), profile: false, heaptrack: false, artifactDir: join(outDir, "bench/store"), log: (m) => process.stderr.write(`[store] ${m}\n`) });
  const lines = ["| Measure | Value |", "| --- | --- |", ...report.rows.map((r) => `| ${r.measure} | ${r.value} |`)];
  process.stdout.write(`${lines.join("\n")}\n\n${report.notes.map((n) => `- ${n}`).join("\n")}\n\nwritten ${join(outDir, "bench/store.json")}\n`);
}
