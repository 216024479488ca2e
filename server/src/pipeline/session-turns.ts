import type { CaptureSession } from "../session/capture-session.ts";

/**
 * A waiting frame younger than this is fresh. Under overload the age of the
 * frame a session has waiting when its turn comes is spread over a whole
 * frame interval (up to 100 ms at 10 fps), and that age was most of the ack
 * p95 (the many-cameras benchmark).
 */
export const FRESH_MS = 50;

/**
 * How far a session may get ahead: one with more than this many turns over
 * the least-served waiting session is passed over. Serving fresh frames first
 * favours sessions whose frames happen to arrive just before a worker frees;
 * this keeps the spread of turns between sessions within MAX_LEAD + 1,
 * however long they run.
 */
export const MAX_LEAD = 1;

/**
 * The sessions that have a frame waiting and none in the pipeline. Pure: the
 * time is an argument.
 *
 * Which goes next: among the sessions not too far ahead (see
 * {@link MAX_LEAD}), the first in turn order whose waiting frame is fresh;
 * when none is fresh, the one whose frame is newest. So the frames detected
 * are the newest sent, and every session gets its share.
 */
export class SessionTurns {
  readonly #queue: CaptureSession[] = [];
  /** Turns taken by each session (its fair-share clock). */
  readonly #turns = new WeakMap<CaptureSession, number>();

  /** Number of sessions waiting for a turn. */
  get size(): number {
    return this.#queue.length;
  }

  /**
   * Puts a session at the back. A new session starts level with the
   * least-served waiting one, and one back after a pause at most MAX_LEAD
   * behind it: each gets its share from now on, not a burst of turns to make
   * up for the past.
   */
  add(session: CaptureSession): void {
    const fewest = this.#fewestTurns();
    const level = Number.isFinite(fewest) ? fewest : 0;
    const own = this.#turns.get(session);
    this.#turns.set(session, own === undefined ? level : Math.max(own, level - MAX_LEAD));
    this.#queue.push(session);
  }

  /** Takes a session out (it closed). */
  remove(session: CaptureSession): void {
    const at = this.#queue.indexOf(session);
    if (at >= 0) this.#queue.splice(at, 1);
  }

  /**
   * Takes the next session (see the class comment) at `nowPerf`
   * (performance.now() ms), or undefined when none waits. A session passed
   * over keeps its place: its next frame replaces the stale one within a
   * frame interval and may then be the fresh one.
   */
  take(nowPerf: number): CaptureSession | undefined {
    if (this.#queue.length === 0) return undefined;
    const limit = this.#fewestTurns() + MAX_LEAD;
    let chosen = -1;
    let newest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.#queue.length; i++) {
      const session = this.#queue[i]!;
      if (this.#turnsOf(session) > limit) continue;
      const at = session.pending?.receivedAtPerf ?? Number.NEGATIVE_INFINITY;
      // Keep the first eligible session unless its frame is stale and this one's is newer.
      if (chosen < 0 || (at > newest && nowPerf - newest > FRESH_MS)) {
        chosen = i;
        newest = at;
      }
    }
    const [session] = this.#queue.splice(chosen, 1);
    this.#turns.set(session!, this.#turnsOf(session!) + 1);
    return session;
  }

  #turnsOf(session: CaptureSession): number {
    return this.#turns.get(session) ?? 0;
  }

  #fewestTurns(): number {
    let fewest = Number.POSITIVE_INFINITY;
    for (const session of this.#queue) fewest = Math.min(fewest, this.#turnsOf(session));
    return fewest;
  }
}
