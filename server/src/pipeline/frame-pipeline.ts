import { performance } from "node:perf_hooks";
import { FrameStatus, type FrameAck } from "@headcount/proto/types";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import { AlwaysDetectGate, type GatePlan, type MotionGate } from "../motion/motion-gate.ts";
import { DomainError } from "../rpc/errors.ts";
import type { CaptureSession, PendingFrame } from "../session/capture-session.ts";
import type { Store } from "../store/store.ts";
import { frameAck, skippedUnseen, type FrameResult } from "./frame-ack.ts";
import { SessionTracking, type TrackingFactory } from "./session-tracking.ts";
import { SessionTurns } from "./session-turns.ts";
import type { WorkerPool } from "./worker-pool.ts";

/** Where the pipeline reports problems. */
export interface PipelineLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Told about every ack the pipeline publishes (metrics). */
export interface AckObserver {
  frameAcked(ack: FrameAck): void;
}

/** Counters for operators and tests. */
export interface PipelineStats {
  processed: number;
  droppedStale: number;
  rejected: number;
  failed: number;
  /** Processed frames on which the motion gate skipped detection (also counted in `processed`). */
  detectionSkipped: number;
}

/**
 * The path of an accepted frame: one-slot queue per session -> worker pool
 * (decode, detect) -> tracker -> counter -> store -> camera totals -> ack.
 *
 * Each session has at most one frame in the pipeline and one waiting; a newer
 * frame overtakes the waiting one, which is acked as dropped-stale. So the
 * memory held per session is bounded and latency stays bounded when the
 * detector is slower than the camera. An ack that reports a counted event is
 * published only after the store has the event.
 *
 * The pool gets at most one frame per worker at a time: waiting frames stay
 * in their session's slot, where a newer frame can still overtake them,
 * instead of queueing inside a worker where it could not (with more
 * sessions than workers that queue made latency grow with the number of
 * sessions: 16x the detect time for 8 sessions on 2 workers, measured by
 * the many-cameras benchmark). Sessions waiting for a worker are served in
 * the order they became ready, so each gets its turn, except that a fresh
 * frame goes before stale ones (see session-turns.ts).
 */
export class FramePipeline {
  readonly stats: PipelineStats = { processed: 0, droppedStale: 0, rejected: 0, failed: 0, detectionSkipped: 0 };
  private readonly tracking: SessionTracking;
  /** Sessions with a waiting frame and none in the pipeline. */
  private readonly ready = new SessionTurns();
  /** Frames handed to the pool and not yet answered. */
  private inPool = 0;
  /** Each session's frame in the pipeline (one at most), until it is acked or dropped. */
  private readonly running = new Map<CaptureSession, Promise<void>>();
  /** Sessions being finished, until their end is stored. */
  private readonly finishing = new Set<Promise<void>>();

  constructor(
    private readonly pool: WorkerPool,
    private readonly cameras: CameraRegistry,
    private readonly store: Store,
    factory: TrackingFactory,
    private readonly log: PipelineLogger,
    private readonly observer: AckObserver = { frameAcked: () => {} },
    private readonly gate: MotionGate = new AlwaysDetectGate(),
    /** The store refused a session's counts because it no longer holds its camera: end it with `reason`. */
    private readonly onRefused: (session: CaptureSession, reason: DomainError) => void = () => {},
  ) {
    this.tracking = new SessionTracking(factory);
  }

  /** Queues a frame that passed validation; its ack is published on the session. */
  submit(session: CaptureSession, frame: PendingFrame): void {
    const overtaken = session.pending;
    session.pending = frame;
    if (overtaken) this.dropStale(session, overtaken, `overtaken by frame ${frame.seq} while the pipeline was busy`);
    // A session is in the ready queue exactly while it has a waiting frame and none in the pipeline.
    else if (!session.busy) this.admit(session);
    this.dispatch();
  }

  /**
   * A session whose frame now waits: into the ready queue, or, when the gate
   * will skip that frame unseen (between the detections that follow a lone
   * person), straight through without a worker. Such a frame used to wait
   * for a worker behind other cameras' detections, late or even overtaken
   * (capacity benchmark: a 5th camera fell to 9.5 processed frames/s).
   */
  private admit(session: CaptureSession): void {
    const frame = session.pending;
    if (frame && this.gate.skipsUnseen(session.id, frameTimeOf(frame), this.tracking.liveTracks(session.id))) {
      session.pending = null;
      this.start(session, frame, false);
    } else {
      this.ready.add(session);
    }
  }

  private start(session: CaptureSession, frame: PendingFrame, usesWorker: boolean): void {
    const run = this.run(session, frame, usesWorker).finally(() => this.running.delete(session));
    this.running.set(session, run);
  }

  /** Frames in the worker pool now (at most one per worker). */
  get framesInPool(): number {
    return this.inPool;
  }

  /** Hands waiting frames to the pool while a worker is free, sessions in turn. */
  private dispatch(): void {
    const workers = this.pool.stats().workers;
    while (this.inPool < workers && this.ready.size > 0) {
      const session = this.ready.take(performance.now())!;
      const frame = session.pending;
      session.pending = null;
      if (!frame || session.closed) continue;
      this.start(session, frame, true);
    }
  }

  /** Acks a frame as dropped-stale without processing it. */
  dropStale(session: CaptureSession, frame: PendingFrame, detail: string): void {
    this.stats.droppedStale++;
    this.publish(session, frame, { status: FrameStatus.DROPPED_STALE, detail });
  }

  /** Acks a frame as rejected (bad input) without processing it. */
  reject(session: CaptureSession, frame: PendingFrame, detail: string): void {
    this.stats.rejected++;
    this.publish(session, frame, { status: FrameStatus.REJECTED, detail });
  }

  /**
   * Ends a closed session's counting, once its frame in the pipeline (if
   * any) is done, so its exits come after its last frame's events: the
   * people it counted and still had in view exit at the time of its last
   * tracked frame (reason "capture_stopped"), stored with the session's end,
   * and the camera's totals follow. Frees its tracking state and its place in
   * the ready queue. Never rejects (a store failure is logged).
   */
  finish(session: CaptureSession, closedAtMs: number): Promise<void> {
    this.ready.remove(session);
    const done = (async () => {
      await this.running.get(session);
      const exits = this.tracking.close(session.id)?.events ?? [];
      this.gate.forget(session.id);
      this.cameras.placesOf(session.cameraId).clearLive();
      try {
        const stored = await this.store.closeSession(session.id, closedAtMs, session.acked, exits);
        if (stored && exits.length > 0) {
          this.cameras.placesOf(session.cameraId).applyStored(stored.places);
          this.cameras.applyTotals(session.cameraId, stored.totals, exits);
        }
      } catch (err) {
        this.log.error({ err, sessionId: session.id, exits: exits.length }, "could not record a session's end");
      }
    })();
    this.finishing.add(done);
    void done.finally(() => this.finishing.delete(done));
    return done;
  }

  /** Resolves once every session closed so far is finished (its end stored): the server stopping waits here. */
  async finished(): Promise<void> {
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
  }

  private async run(session: CaptureSession, frame: PendingFrame, usesWorker: boolean): Promise<void> {
    session.busy = true;
    if (usesWorker) this.inPool++;
    try {
      let outcome;
      const frameTimeMs = frameTimeOf(frame);
      try {
        // A frame admitted without a worker was judged "skip" by the gate already (admit): it is not asked twice.
        const plan: GatePlan = usesWorker ? this.gate.plan(session.id, frameTimeMs, this.tracking.liveTracks(session.id)) : { kind: "skip" };
        outcome = plan.kind === "skip" ? skippedUnseen(frame.jpeg) : await this.pool.process(frame.jpeg, plan.kind === "check" ? plan.check : undefined);
      } finally {
        if (usesWorker) {
          // The worker is free: the next session's frame may go while this one is tracked and stored.
          this.inPool--;
          this.dispatch();
        }
      }
      if (session.closed) return;
      if (outcome.kind === "rejected") {
        this.reject(session, frame, outcome.reason);
      } else if (outcome.kind === "failed") {
        this.stats.failed++;
        this.publish(session, frame, { status: FrameStatus.REJECTED, detail: outcome.reason });
      } else if (outcome.detectionSkipped) {
        if (outcome.motion) this.gate.settle(session.id, frameTimeMs, outcome.motion);
        const people = [...this.tracking.skip(session.id, frameTimeMs)];
        this.stats.processed++;
        this.stats.detectionSkipped++;
        this.cameras.offerFrame(session.cameraId, { jpeg: frame.jpeg, width: outcome.width, height: outcome.height, capturedAtMs: frameTimeMs });
        const timings = { queuedMs: outcome.queuedMs, decodeMs: outcome.decodeMs, detectMs: 0, trackMs: 0 };
        this.publish(session, frame, { status: FrameStatus.PROCESSED, decodedWidth: outcome.width, decodedHeight: outcome.height, people, timings, detectionSkipped: true });
      } else {
        if (outcome.motion) this.gate.settle(session.id, frameTimeMs, outcome.motion);
        const trackStart = performance.now();
        const places = this.cameras.placesOf(session.cameraId);
        const { counted, people } = this.tracking.step(
          session.id,
          places.places,
          outcome.detections,
          frameTimeMs,
        );
        const trackMs = performance.now() - trackStart;
        let stored = null;
        if (counted.events.length > 0) {
          try {
            const appended = await this.store.appendEvents(session.cameraId, session.id, counted.events, frame.seq);
            stored = appended.totals;
            places.applyStored(appended.places);
          } catch (err) {
            // The session no longer holds its camera (taken over, or closed as lost): it ends, with no ack.
            if (err instanceof DomainError && (err.code === "ABORTED" || err.code === "UNAVAILABLE")) {
              this.onRefused(session, err);
              return;
            }
            this.stats.failed++;
            this.log.error({ err, sessionId: session.id, seq: frame.seq, events: counted.events.length }, "could not store counted events");
            this.publish(session, frame, { status: FrameStatus.REJECTED, detail: "internal: the counts of this frame could not be stored" });
            return;
          }
        }
        places.applyLive(counted.zones, Date.now());
        const totals = this.cameras.applyFrame(session.cameraId, session.id, counted.totals.inView, stored, counted.events);
        this.stats.processed++;
        this.cameras.offerFrame(session.cameraId, { jpeg: frame.jpeg, width: outcome.width, height: outcome.height, capturedAtMs: frameTimeMs });
        this.publish(session, frame, {
          status: FrameStatus.PROCESSED,
          decodedWidth: outcome.width,
          decodedHeight: outcome.height,
          people,
          totals,
          timings: { queuedMs: outcome.queuedMs, decodeMs: outcome.decodeMs, detectMs: outcome.detectMs, trackMs },
        });
      }
    } catch (err) {
      // Tracking and counting are pure code: reaching here is a bug. Ack the frame anyway.
      this.stats.failed++;
      this.log.warn({ err, sessionId: session.id, seq: frame.seq }, "frame failed after detection");
      this.publish(session, frame, { status: FrameStatus.REJECTED, detail: "internal error while counting this frame" });
    } finally {
      session.busy = false;
      if (session.pending && !session.closed) {
        this.admit(session);
        this.dispatch();
      }
    }
  }

  private publish(session: CaptureSession, frame: PendingFrame, result: FrameResult): void {
    const camera = { totals: result.totals ?? this.cameras.totalsOf(session.cameraId), places: this.cameras.placesOf(session.cameraId) };
    const ack = frameAck(session, frame, result, camera);
    if (result.status === FrameStatus.PROCESSED) this.cameras.recordAck(session.cameraId, Date.now(), ack.timings!.totalMs);
    session.publish(ack);
    this.observer.frameAcked(ack);
  }
}

/** A frame's time, as the tracker's: a file replayed faster than real time keeps its forced-detection rhythm. */
function frameTimeOf(frame: PendingFrame): number {
  return frame.capturedAtMs || frame.receivedAtMs;
}
