import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { contractTest, freshStore, type StoreBackend } from "./store-backends.fixture.ts";
import type { NewEvent, Store, StoredEvent } from "./store.ts";
import { FIXTURE_CAMERAS, fixtureBatch, fixtureSession, runWriter, writerOf } from "./store-writer.fixture.ts";

const writerScript = fileURLToPath(new URL("./store-writer.fixture.ts", import.meta.url));
const repoRoot = resolve(fileURLToPath(import.meta.url), "../../../..");

async function allEvents(store: Store): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.events({ limit: 10_000, cursor });
    out.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out.sort((a, b) => a.id - b.id);
}

const strip = (e: StoredEvent | NewEvent) => ({ kind: e.kind, trackId: e.trackId, timeMs: e.timeMs });

/**
 * Checks the stored file against what the writers sent: each session's events,
 * in id order, are exactly its first `frames` whole batches (fewer when a
 * writer was killed: `minFrames` of them were acked), and every camera's
 * totals and minute aggregates equal a recount of its events.
 */
async function verify(store: Store, writers: number, minFrames: (writer: number) => number, maxFrames: number): Promise<number> {
  const events = await allEvents(store);
  assert.equal(new Set(events.map((e) => e.id)).size, events.length, "ids are unique");
  for (let w = 0; w < writers; w++) {
    for (const c of FIXTURE_CAMERAS.keys()) {
      const { sessionId, salt } = fixtureSession(w, c);
      const stored = events.filter((e) => e.sessionId === sessionId && writerOf(e.trackId) === w).map(strip);
      const expected: NewEvent[] = [];
      let frames = 0;
      while (expected.length < stored.length && frames < maxFrames) expected.push(...fixtureBatch(salt, frames++, w));
      assert.ok(frames >= minFrames(w), `${sessionId} writer ${w}: ${frames} frames stored, ${minFrames(w)} were acked`);
      assert.deepEqual(stored, expected, `${sessionId} writer ${w}: whole batches, in order, times as given`);
    }
  }
  for (const cameraId of FIXTURE_CAMERAS) {
    const mine = events.filter((e) => e.cameraId === cameraId);
    const count = (kind: string) => mine.filter((e) => e.kind === kind).length;
    const recount = { entered: count("entry"), exited: count("exit"), crossedIn: count("cross_in"), crossedOut: count("cross_out") };
    assert.deepEqual((await store.getCamera(cameraId))?.totals, recount, `${cameraId} totals`);
    const [day] = await store.series({ cameraId, fromMs: 0, toMs: 2e12, bucket: "day" });
    assert.deepEqual({ ...day, startMs: 0 }, { startMs: 0, ...recount }, `${cameraId} aggregates`);
  }
  return events.length;
}

contractTest("interleaved batches from three writers on two cameras keep totals exact and events in order", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  await Promise.all([0, 1, 2].map((w) => runWriter(store, w, 300)));
  assert.equal(await verify(store, 3, () => 300, 300), 3 * 2 * 600);
});

contractTest("two connections on one database see each other's appends in their totals", async (t, backend) => {
  const { store: a, location } = await freshStore(t, backend);
  const b = await backend.open(location);
  t.after(() => b.close());
  await Promise.all([runWriter(a, 0, 200), runWriter(b, 1, 200), runWriter(a, 2, 200)]);
  await verify(a, 3, () => 200, 200);
  await verify(b, 3, () => 200, 200);
});

/** Starts a writer process; resolves its exit, and counts the frames it acked. */
function startWriter(backend: StoreBackend, location: string, writer: number, frames: number) {
  const child = spawn(process.execPath, ["--import", "tsx", writerScript, backend.name, location, String(writer), String(frames)], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const state = { acked: 0, stderr: "" };
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("acked ")) state.acked = Number(line.slice(6)) + 1;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (state.stderr += chunk));
  const exited = new Promise<number | string>((done) => child.on("exit", (code, signal) => done(code ?? signal ?? "?")));
  return { child, state, exited };
}

contractTest("three processes writing one fresh database at once: one migrates, none loses or doubles a batch", async (t, backend) => {
  const dir = await backend.fresh(t);
  const writers = [0, 1, 2].map((w) => startWriter(backend, dir, w, 400));
  const codes = await Promise.all(writers.map((w) => w.exited));
  assert.deepEqual(codes, [0, 0, 0], writers.map((w) => w.state.stderr).join("\n"));
  const store = await backend.open(dir);
  t.after(() => store.close());
  assert.equal(await verify(store, 3, () => 400, 400), 3 * 2 * 800);
});

contractTest("a writer killed mid-stream: every acked batch survives, no batch is half stored", async (t, backend) => {
  const dir = await backend.fresh(t);
  const writer = startWriter(backend, dir, 0, 1_000_000);
  await new Promise<void>((done, fail) => {
    const poll = setInterval(() => {
      if (writer.state.acked < 300) return;
      clearInterval(poll);
      done();
    }, 5);
    void writer.exited.then((code) => {
      clearInterval(poll);
      fail(new Error(`writer exited early (${code}): ${writer.state.stderr}`));
    });
  });
  writer.child.kill("SIGKILL");
  assert.equal(await writer.exited, "SIGKILL");
  const acked = writer.state.acked;
  const store = await backend.open(dir);
  t.after(() => store.close());
  await verify(store, 1, () => acked, 1_000_000);
});
