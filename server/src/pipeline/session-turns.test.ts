import assert from "node:assert/strict";
import { test } from "node:test";
import { CaptureSession } from "../session/capture-session.ts";
import { seededRandom } from "../../../test/support/seeded-random.ts";
import { FRESH_MS, MAX_LEAD, SessionTurns } from "./session-turns.ts";

/** A session whose waiting frame was received at `receivedAtPerf`. */
function waiting(id: string, receivedAtPerf: number): CaptureSession {
  const s = new CaptureSession(id, `cam-${id}`, 0, 16, { maxFps: 30, maxBytesPerSecond: 1e6 });
  s.pending = { seq: 1, capturedAtMs: 0, receivedAtMs: 0, receivedAtPerf, jpeg: new Uint8Array(1), sentWidth: 1, sentHeight: 1 };
  return s;
}

const ids = (turns: SessionTurns, nowPerf: number) => {
  const out: string[] = [];
  for (let s = turns.take(nowPerf); s; s = turns.take(nowPerf)) out.push(s.id);
  return out;
};

test("with every waiting frame equally fresh (or stale), sessions are served in the order they became ready", () => {
  const turns = new SessionTurns();
  for (const id of ["a", "b", "c"]) turns.add(waiting(id, 1_000));
  assert.deepEqual(ids(turns, 1_000 + 500), ["a", "b", "c"], "all stale");
  for (const id of ["a", "b", "c"]) turns.add(waiting(id, 1_000));
  assert.deepEqual(ids(turns, 1_000 + 10), ["a", "b", "c"], "all fresh");
});

test("a fresh frame goes before stale ones; the session passed over keeps its place and goes first once its frame is fresh", () => {
  const turns = new SessionTurns();
  const a = waiting("a", 0);
  turns.add(a);
  turns.add(waiting("b", 0));
  turns.add(waiting("c", 90));
  assert.equal(turns.take(100)?.id, "c", "c's frame is 10 ms old, a's and b's 100 ms");
  a.pending = { ...a.pending!, seq: 2, receivedAtPerf: 120 }; // a's next frame replaced its stale one
  turns.add(waiting("d", 125));
  assert.equal(turns.take(130)?.id, "a", "a is fresh again and still ahead of d");
  assert.equal(turns.take(125 + FRESH_MS)?.id, "d", "d is fresh for FRESH_MS after it arrived, and goes before b");
  assert.equal(turns.take(1_000)?.id, "b", "with nothing fresh, the oldest turn is served: no frame waits for ever");
  assert.equal(turns.size, 0);
});

test("a closed session leaves the queue", () => {
  const turns = new SessionTurns();
  const a = waiting("a", 0);
  turns.add(a);
  turns.add(waiting("b", 0));
  turns.remove(a);
  turns.remove(a);
  assert.deepEqual(ids(turns, 0), ["b"]);
});

test("a session whose frame is always stale when a worker frees still gets its share", () => {
  const turns = new SessionTurns();
  const stale = waiting("stale", 0);
  const fresh = [waiting("b", 0), waiting("c", 0)];
  for (const s of [stale, ...fresh]) turns.add(s);
  const served = new Map<string, number>();
  for (let now = 1_000; now < 1_000 + 90 * 10; now += 10) {
    for (const s of fresh) s.pending = { ...s.pending!, receivedAtPerf: now - 5 };
    stale.pending = { ...stale.pending!, receivedAtPerf: now - FRESH_MS - 10 };
    const next = turns.take(now)!;
    served.set(next.id, (served.get(next.id) ?? 0) + 1);
    turns.add(next);
  }
  // 90 turns among 3 sessions: 30 each; being passed over may cost the stale one MAX_LEAD + 1 (2).
  assert.equal(MAX_LEAD, 1);
  assert.ok((served.get("stale") ?? 0) >= 28, `stale session served ${served.get("stale") ?? 0} of 90 turns`);
});

/**
 * A scripted overload, in 1 ms steps: `sessions` cameras sending a frame
 * every 100 ms at random phases, `workers` workers taking 45 to 65 ms per
 * frame. Returns the turns each session got and how long the frames the
 * workers took had waited.
 */
function simulateOverload(queue: { add(s: CaptureSession): void; take(now: number): CaptureSession | undefined; readonly size: number }, seed: number) {
  const random = seededRandom(seed);
  const sessions = Array.from({ length: 8 }, (_, i) => waiting(`s${i}`, 0));
  for (const s of sessions) s.pending = null;
  const phase = sessions.map(() => Math.floor(random() * 100));
  const queued = new Set<CaptureSession>();
  const busyUntil = new Map<CaptureSession, number>();
  const served = new Map<CaptureSession, number>();
  const waits: number[] = [];
  for (let now = 0; now < 60_000; now++) {
    for (const [s, until] of busyUntil) {
      if (until > now) continue;
      busyUntil.delete(s);
      if (s.pending) (queue.add(s), queued.add(s));
    }
    sessions.forEach((s, i) => {
      if ((now - phase[i]!) % 100 !== 0) return;
      s.pending = { seq: now, capturedAtMs: now, receivedAtMs: now, receivedAtPerf: now, jpeg: new Uint8Array(1), sentWidth: 1, sentHeight: 1 };
      if (!busyUntil.has(s) && !queued.has(s)) (queue.add(s), queued.add(s));
    });
    while (busyUntil.size < 2 && queue.size > 0) {
      const s = queue.take(now)!;
      queued.delete(s);
      waits.push(now - s.pending!.receivedAtPerf);
      s.pending = null;
      busyUntil.set(s, now + 45 + Math.floor(random() * 20));
      served.set(s, (served.get(s) ?? 0) + 1);
    }
  }
  const counts = sessions.map((s) => served.get(s) ?? 0);
  waits.sort((a, b) => a - b);
  return { fairness: Math.min(...counts) / Math.max(...counts), p95WaitMs: waits[Math.floor(waits.length * 0.95)]! };
}

/** Plain turns: sessions in the order they became ready (what the pipeline did before). */
class PlainTurns {
  readonly #queue: CaptureSession[] = [];
  get size(): number { return this.#queue.length; }
  add(s: CaptureSession): void { this.#queue.push(s); }
  take(): CaptureSession | undefined { return this.#queue.shift(); }
}

test("under overload (8 cameras at 10 fps, 2 workers) every session gets its share, and the frames detected are younger than with plain turns", () => {
  for (const seed of [1, 2, 3]) {
    const fresh = simulateOverload(new SessionTurns(), seed);
    const plain = simulateOverload(new PlainTurns(), seed);
    assert.ok(fresh.fairness >= 0.97, `seed ${seed}: fairness ${fresh.fairness}`);
    assert.ok(fresh.p95WaitMs <= 0.8 * plain.p95WaitMs, `seed ${seed}: p95 wait ${fresh.p95WaitMs} ms, plain turns ${plain.p95WaitMs} ms`);
  }
});
