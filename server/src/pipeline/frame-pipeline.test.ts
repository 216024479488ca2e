import assert from "node:assert/strict";
import { test } from "node:test";
import sharp from "sharp";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import { PlaceFigures } from "../camera/place-figures.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import { DomainError } from "../rpc/errors.ts";
import { CaptureSession, type PendingFrame } from "../session/capture-session.ts";
import type { Store } from "../store/store.ts";
import type { MotionGate } from "../motion/motion-gate.ts";
import { FramePipeline } from "./frame-pipeline.ts";
import type { FrameOutcome } from "./messages.ts";
import type { WorkerPool } from "./worker-pool.ts";

/** A pool of `workers` whose frames finish only when the test says so. */
function manualPool(workers: number) {
  const jobs: Array<{ jpeg: Uint8Array; finish: () => void }> = [];
  const done: FrameOutcome = { kind: "processed", width: 640, height: 480, detections: [], queuedMs: 0, decodeMs: 1, detectMs: 1 };
  const pool: WorkerPool = {
    detectorName: "manual",
    process: (jpeg) => new Promise((resolve) => jobs.push({ jpeg, finish: () => resolve(done) })),
    stats: () => ({ workers, memory: [], crashes: 0, detectorFailures: 0, busyJobs: jobs.length }),
    crashWorker: async () => {},
    close: async () => {},
  };
  /** Finishes the oldest job and lets the pipeline react. */
  const finishOldest = async () => {
    jobs.shift()!.finish();
    await new Promise((r) => setImmediate(r));
  };
  return { pool, jobs, finishOldest };
}

const totals = { inView: 0, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
const cameras = {
  applyFrame: () => totals,
  offerFrame: () => {},
  recordAck: () => {},
  totalsOf: () => totals,
  placesOf: () => new PlaceFigures(),
} as unknown as CameraRegistry;
const factory = {
  createTracker: () => ({ update: (_: unknown, timeMs: number) => ({ timeMs, tracks: [], confirmed: [], lost: [], assignments: [] }) }),
  createCounter: () => ({ update: () => ({ totals, events: [], zones: [] }), setPlaces: () => {}, close: () => ({ totals, events: [], zones: [] }) }),
};
const log = { warn: () => {}, error: () => {} };

function session(id: string, acks: FrameAck[]): CaptureSession {
  const s = new CaptureSession(id, `cam-${id}`, 0, 100, { maxFps: 1000, maxBytesPerSecond: 1e9 });
  s.watch({ afterCursor: 0 }, { ack: (a) => acks.push(a), end: () => {} });
  return s;
}

function frame(seq: number, tag: number): PendingFrame {
  return { seq, capturedAtMs: seq, receivedAtMs: seq, receivedAtPerf: 0, jpeg: new Uint8Array([tag]), sentWidth: 640, sentHeight: 480 };
}

test("the pool gets at most one frame per worker; the others wait in their session, where newer frames overtake them", async () => {
  const { pool, jobs, finishOldest } = manualPool(2);
  const pipeline = new FramePipeline(pool, cameras, {} as Store, factory, log);
  const acks: FrameAck[][] = [[], [], [], []];
  const sessions = acks.map((a, i) => session(`s${i}`, a));
  // Four sessions, one frame each: two go to the pool, two wait.
  sessions.forEach((s, i) => pipeline.submit(s, frame(1, i)));
  assert.equal(jobs.length, 2);
  assert.equal(pipeline.framesInPool, 2);
  // A newer frame of a waiting session replaces its waiting one (acked as dropped-stale) instead of queueing behind the workers.
  pipeline.submit(sessions[3]!, frame(2, 3));
  assert.deepEqual(acks[3]!.map((a) => [a.seq, a.status]), [[1, FrameStatus.DROPPED_STALE]]);
  assert.equal(jobs.length, 2, "still one frame per worker");
  // A worker frees: the session that has waited longest goes next (s2, then s3).
  await finishOldest();
  assert.deepEqual(jobs.map((j) => j.jpeg[0]), [1, 2]);
  await finishOldest();
  assert.deepEqual(jobs.map((j) => j.jpeg[0]), [2, 3]);
  assert.deepEqual(acks[0]!.map((a) => a.status), [FrameStatus.PROCESSED]);
  assert.deepEqual(acks[1]!.map((a) => a.status), [FrameStatus.PROCESSED]);
});

test("sessions take turns: a session with frames always waiting cannot starve the others", async () => {
  const { pool, jobs, finishOldest } = manualPool(1);
  const pipeline = new FramePipeline(pool, cameras, {} as Store, factory, log);
  const acks: FrameAck[][] = [[], [], []];
  const sessions = acks.map((a, i) => session(`s${i}`, a));
  const seq = [0, 0, 0];
  const order: number[] = [];
  sessions.forEach((s, i) => pipeline.submit(s, frame(++seq[i]!, i)));
  for (let step = 0; step < 9; step++) {
    order.push(jobs[0]!.jpeg[0]!);
    // Every session has a new frame ready before the worker frees.
    sessions.forEach((s, i) => pipeline.submit(s, frame(++seq[i]!, i)));
    await finishOldest();
  }
  assert.deepEqual(order, [0, 1, 2, 0, 1, 2, 0, 1, 2]);
  for (const a of acks) assert.equal(a.filter((x) => x.status === FrameStatus.PROCESSED).length, 3);
});

test("a closed session's waiting frame is never run", async () => {
  const { pool, jobs, finishOldest } = manualPool(1);
  const store = { closeSession: async () => null } as unknown as Store;
  const pipeline = new FramePipeline(pool, cameras, store, factory, log);
  const [a, b] = [session("a", []), session("b", [])];
  pipeline.submit(a, frame(1, 0));
  pipeline.submit(b, frame(1, 1));
  b.closed = true;
  b.pending = null;
  void pipeline.finish(b, 0);
  await finishOldest();
  assert.equal(jobs.length, 0);
  assert.equal(pipeline.framesInPool, 0);
});

test("a frame the gate skips unseen (following a lone person) is acked at once, without waiting for a busy worker", async () => {
  const { pool, jobs, finishOldest } = manualPool(1);
  // A fake gate: session "follow" is between the detections that follow a lone person, the others detect.
  const fakeFollowingGate: MotionGate = {
    name: "fake-following",
    plan: (id) => (id === "follow" ? { kind: "skip" } : { kind: "detect" }),
    skipsUnseen: (id) => id === "follow",
    settle: () => {},
    forget: () => {},
  };
  const pipeline = new FramePipeline(pool, cameras, {} as Store, factory, log, undefined, fakeFollowingGate);
  const busyAcks: FrameAck[] = [];
  const followAcks: FrameAck[] = [];
  pipeline.submit(session("busy", busyAcks), frame(1, 0));
  assert.equal(jobs.length, 1, "the only worker is detecting another camera's frame");
  const follow = session("follow", followAcks);
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#808080" } }).jpeg().toBuffer();
  for (const seq of [1, 2, 3]) pipeline.submit(follow, { ...frame(seq, 9), jpeg });
  // Before this, each waited for the worker: the first acked after the other camera's detection, the next two overtaken.
  assert.deepEqual(followAcks.map((a) => [a.seq, a.status, a.detectionSkipped]), [[1, FrameStatus.PROCESSED, true], [2, FrameStatus.PROCESSED, true], [3, FrameStatus.PROCESSED, true]]);
  assert.equal(pipeline.framesInPool, 1, "a skipped frame never held a worker");
  await finishOldest();
  assert.deepEqual(busyAcks.map((a) => a.status), [FrameStatus.PROCESSED]);
  assert.equal(pipeline.framesInPool, 0);
});

/**
 * A fake counter that counts track 1 as entered on its first frame, and a
 * fake store whose appends finish only when the test says so; both record
 * what happens, in order.
 */
function closingScene() {
  const order: string[] = [];
  const appends: Array<() => void> = [];
  const store = {
    appendEvents: (_camera: string, _session: string, events: Array<{ kind: string; trackId: number }>) =>
      new Promise((resolve) => {
        order.push(`append ${events.map((e) => `${e.kind}:${e.trackId}`).join(",")}`);
        appends.push(() => resolve({ totals, resetAtMs: null, eventIds: [] }));
      }),
    closeSession: async (_id: string, _at: number, _acked: number, exits: Array<{ kind: string; trackId: number; timeMs: number; reason?: string }>) => {
      order.push(`close ${exits.map((e) => `${e.kind}:${e.trackId}@${e.timeMs}:${e.reason}`).join(",")}`);
      return { totals, resetAtMs: null, eventIds: [] };
    },
  } as unknown as Store;
  let frames = 0;
  const counting = {
    createTracker: factory.createTracker,
    createCounter: () => {
      let open = false;
      return {
        update: () => {
          frames++;
          if (frames > 1 || open) return { totals, events: [], zones: [] };
          open = true;
          return { totals, events: [{ kind: "entry" as const, trackId: 1, timeMs: 0 }], zones: [] };
        },
        setPlaces: () => {},
        close: (timeMs: number) => {
          const events = open ? [{ kind: "exit" as const, trackId: 1, timeMs, reason: "capture_stopped" as const }] : [];
          open = false;
          return { totals, events, zones: [] };
        },
      };
    },
  };
  const registry = { ...cameras, applyTotals: () => order.push("totals") } as unknown as CameraRegistry;
  return { order, appends, store, counting, registry };
}

test("a session closed while its last frame's events are being stored exits its people after them, once", async () => {
  const { pool, finishOldest } = manualPool(1);
  const { order, appends, store, counting, registry } = closingScene();
  const pipeline = new FramePipeline(pool, registry, store, counting, log);
  const acks: FrameAck[] = [];
  const s = session("s", acks);
  pipeline.submit(s, frame(7, 0));
  await finishOldest(); // detected and counted: its entry is being stored
  assert.deepEqual(order, ["append entry:1"]);
  s.close(new DomainError("UNAVAILABLE", "stopping"));
  const finished = pipeline.finish(s, 99);
  const again = pipeline.finish(s, 99);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ["append entry:1"], "the exits wait for the frame in the store");
  appends.shift()!();
  await Promise.all([finished, again, pipeline.finished()]);
  // The frame's capture time (seq 7) is the session's last: the exit is at it. The second finish found nothing to close.
  assert.deepEqual(order.slice(0, 2), ["append entry:1", "close exit:1@7:capture_stopped"]);
  assert.deepEqual(order.filter((o) => o.includes("exit")), ["close exit:1@7:capture_stopped"]);
});

test("a session closed while its frame is in the pool drops that frame and exits its people at its last tracked frame", async () => {
  const { pool, finishOldest } = manualPool(1);
  const { order, appends, store, counting, registry } = closingScene();
  const pipeline = new FramePipeline(pool, registry, store, counting, log);
  const s = session("s", []);
  pipeline.submit(s, frame(3, 0));
  await finishOldest();
  appends.shift()!();
  await new Promise((r) => setImmediate(r));
  pipeline.submit(s, frame(4, 0)); // in the pool when the session closes
  s.closed = true;
  const finished = pipeline.finish(s, 50);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ["append entry:1"], "nothing closes while a frame is in the pool");
  await finishOldest();
  await finished;
  assert.deepEqual(order, ["append entry:1", "close exit:1@3:capture_stopped", "totals"]);
});
