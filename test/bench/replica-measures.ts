import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openPostgresStore } from "../../server/src/store/postgres-store.ts";
import { openSqliteStore } from "../../server/src/store/sqlite-store.ts";
import type { NewEvent, Store } from "../../server/src/store/store.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { spawnSender } from "../support/cli-sender.ts";
import { extractJpegFolder } from "../support/footage-frames.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { TEST_POSTGRES_URL, databaseUrl, dropDatabase } from "../support/postgres-db.ts";
import { processClients, startServerProcess, type ServerProcess } from "../support/server-process.ts";
import { freePort } from "../support/web-app.ts";
import { interleave } from "./bench-stats.ts";

/** The measurements of the replicas benchmark, each on real processes and a real PostgreSQL. */

/** A database of its own on the test PostgreSQL (named like the tests' ones, so an orphan is swept), and its removal. */
export async function benchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `headcount_test_${process.pid}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  return { url: databaseUrl(name), drop: () => dropDatabase(name) };
}

/** One frame's batch: 1 to 3 events, as a busy door gives. */
function batch(seq: number): NewEvent[] {
  return Array.from({ length: 1 + (seq % 3) }, (_, j) => ({ kind: j % 2 ? "exit" : "entry", trackId: seq * 4 + j, timeMs: 1_750_000_000_000 + seq * 100 }));
}

/** Append latency (ms per batch) of both stores, `rounds` interleaved rounds of `perRound` keyed batches each. */
export async function appendLatency(rounds: number, perRound: number, databaseUrlOf: string): Promise<Map<string, number[][]>> {
  const dir = mkdtempSync(join(tmpdir(), "headcount-bench-replicas-"));
  const stores: [string, Store][] = [
    ["sqlite", openSqliteStore({ dataDir: dir })],
    ["postgres", await openPostgresStore({ databaseUrl: databaseUrlOf })],
  ];
  try {
    let seq = 0;
    for (const [, store] of stores) {
      await store.upsertCamera("door", "", 0);
      await store.openSession("s", "door", 0);
    }
    return await interleave(
      rounds,
      stores.map(([name, store]) => ({
        name,
        async run() {
          const ms: number[] = [];
          for (let i = 0; i < perRound; i++) {
            const s = ++seq;
            const t0 = performance.now();
            await store.appendEvents("door", "s", batch(s), s);
            ms.push(performance.now() - t0);
          }
          return ms;
        },
      })),
    );
  } finally {
    for (const [, store] of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `names.length` server processes on one database (no detector: these measures need no frames counted). */
export async function replicas(url: string, names: readonly string[], env: Record<string, string> = {}): Promise<{ servers: ServerProcess[]; ports: number[]; stop: () => Promise<void> }> {
  const dirs = names.map((n) => mkdtempSync(join(tmpdir(), `headcount-bench-${n}-`)));
  const ports = await Promise.all(dirs.map(() => freePort()));
  const servers = await Promise.all(
    dirs.map(async (dataDir, i) => startServerProcess({ grpcPort: ports[i]!, grpcWebPort: await freePort(), dataDir, workers: 1, databaseUrl: url, env: { HEADCOUNT_DETECTOR: "none", ...env } })),
  );
  return {
    servers,
    ports,
    async stop() {
      await Promise.all(servers.map((s) => s.kill()));
      dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    },
  };
}

/**
 * Propagation of a stored change: a reset through A's CountService (an event
 * stored by A) until C's WatchCounts stream shows the camera's new reset
 * time. `samples` resets, one after the other. Milliseconds each.
 */
export async function propagation(url: string, samples: number): Promise<number[]> {
  const { ports, stop } = await replicas(url, ["a", "c"]);
  const [a, c] = ports.map((p) => processClients(p));
  try {
    await a!.capture.openSession({ cameraId: "door", cameraName: "Door" }).response;
    const abort = new AbortController();
    const watch = c!.count.watchCounts({}, { abort: abort.signal });
    let seen = 0;
    let wake = () => {};
    watch.responses.onMessage((m) => {
      seen = m.cameras.find((cam) => cam.cameraId === "door")?.resetAtMs ?? seen;
      wake();
    });
    watch.responses.onError(() => undefined);
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      const { camera } = await a!.count.resetCounts({ cameraId: "door" }).response;
      const target = camera?.resetAtMs ?? 0;
      const deadline = Date.now() + 10_000;
      while (seen < target && Date.now() < deadline) await new Promise<void>((r) => ((wake = r), setTimeout(r, 50)));
      if (seen < target) throw new Error(`C did not show reset ${i + 1} within 10 s`);
      out.push(performance.now() - t0);
      // Resets 1 ms apart would share a reset time.
      await new Promise((r) => setTimeout(r, 20));
    }
    abort.abort();
    return out;
  } finally {
    a!.transport.close();
    c!.transport.close();
    await stop();
  }
}

/**
 * Failover: a CLI sender given A and B streams footage at its own pace to A;
 * A is SIGKILLed; the time until the sender's first ack from B. `samples`
 * runs, each on fresh replicas. Milliseconds each.
 */
export async function failover(url: string, samples: number): Promise<number[]> {
  const folder = extractJpegFolder(oneByOneVideo, { startS: 0, count: 100, fps: 10, width: 320 });
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const { servers, ports, stop } = await replicas(url, ["a", "b"]);
    const [addressA, addressB] = ports.map((p) => `127.0.0.1:${p}`);
    const cli = spawnSender(["--server", `${addressA},${addressB}`, "--camera", `failover-${i}`, "--token", TEST_CAPTURE_TOKEN, "--pace", "source", "--fps", "10", "--json", folder], { timeoutMs: 60_000 });
    try {
      const acks = () => cli.stdout().split("\n").filter((l) => l.startsWith('{"type":"ack"')).length;
      const until = async (cond: () => boolean, what: string) => {
        const end = Date.now() + 30_000;
        while (!cond()) {
          if (Date.now() > end) throw new Error(`failover run ${i + 1}: no ${what} within 30 s: ${cli.stderr()}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      await until(() => acks() >= 10, "10 acks from A");
      const t0 = performance.now();
      await servers[0]!.kill();
      await until(() => cli.stderr().includes(`reconnected to ${addressB}`), "reconnect to B");
      const onReconnect = acks();
      await until(() => acks() > onReconnect, "ack from B");
      out.push(performance.now() - t0);
    } finally {
      cli.child.kill("SIGKILL");
      await cli.exited;
      await stop();
    }
  }
  return out;
}
