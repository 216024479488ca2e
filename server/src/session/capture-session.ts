import type { FrameAck } from "@headcount/proto/types";
import type { DomainError } from "../rpc/errors.ts";
import { TokenBucket } from "./token-bucket.ts";
import { newToken } from "../access/bearer-credential.ts";

/** A frame accepted for the pipeline, waiting for its turn. */
export interface PendingFrame {
  readonly seq: number;
  readonly capturedAtMs: number;
  readonly receivedAtMs: number;
  /** High-resolution receipt time (performance.now()), for server timings. */
  readonly receivedAtPerf: number;
  readonly jpeg: Uint8Array;
  readonly sentWidth: number;
  readonly sentHeight: number;
}

/** Receives a session's acks as they are published, and its end. */
export interface AckListener {
  /** `cursor` is the ack's place in the order of publishing: 1, 2, 3, ... */
  ack(ack: FrameAck, cursor: number): void;
  /** The session closed (expired or server stopping); the stream should end with `reason`. */
  end(reason: DomainError): void;
}

/** Where a resuming watcher left off: after an ack's cursor, or (older clients) above a seq. */
export type ResumePoint = { readonly afterCursor: number } | { readonly afterSeq: number };

/** An ack as held for resuming watchers, with its cursor. */
interface HeldAck {
  readonly cursor: number;
  readonly ack: FrameAck;
}

/**
 * One open capture session: the sequence bookkeeping, the one-slot queue in
 * front of the pipeline (latest frame wins), and the recent acks for watchers
 * that resume. Holds no timers and does no I/O.
 */
export class CaptureSession {
  /** Highest seq received so far (0 before the first frame). */
  lastSeq = 0;
  #busy = false;
  #pending: PendingFrame | null = null;
  #idleWaiters: (() => void)[] = [];
  lastActivityMs: number;
  closed = false;
  /** performance.now() when the store recorded this session as the camera's live one; undefined until then. */
  heldAt: number | undefined;
  /** Acks published so far (any status); also the cursor of the last one. */
  acked = 0;
  /**
   * The camera's lines and zones as this session's client last heard of them
   * (OpenSession, or an ack with places_changed); null until told.
   */
  placesTold: object | null = null;

  /** The session's own credential (see OpenSessionResponse.session_token). */
  readonly token = newToken("hs_");

  private readonly frameRate: TokenBucket;
  private readonly byteRate: TokenBucket;
  private readonly history: HeldAck[] = [];
  private readonly listeners = new Set<AckListener>();
  private readonly seen = new Set<number>();
  private readonly seenOrder: number[] = [];

  constructor(
    readonly id: string,
    readonly cameraId: string,
    readonly openedAtMs: number,
    private readonly historySize: number,
    rate: { readonly maxFps: number; readonly maxBytesPerSecond: number },
  ) {
    this.lastActivityMs = openedAtMs;
    this.frameRate = new TokenBucket(rate.maxFps, rate.maxFps);
    this.byteRate = new TokenBucket(rate.maxBytesPerSecond, rate.maxBytesPerSecond);
  }

  /** True while a frame of this session is in the pipeline. */
  get busy(): boolean {
    return this.#busy;
  }

  set busy(value: boolean) {
    this.#busy = value;
    this.#wakeIfIdle();
  }

  /** At most one frame waits; a newer one overtakes it (acked as dropped-stale). */
  get pending(): PendingFrame | null {
    return this.#pending;
  }

  set pending(frame: PendingFrame | null) {
    this.#pending = frame;
    this.#wakeIfIdle();
  }

  /**
   * Resolves once no frame of this session is in the pipeline or waiting
   * (at once when none is), or when the session closes: a sender that has
   * finished waits here for its last acks.
   */
  whenIdle(): Promise<void> {
    if (this.closed || (!this.#busy && !this.#pending)) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #wakeIfIdle(): void {
    if (this.#idleWaiters.length === 0) return;
    // Checked after the current task: the pipeline takes the waiting frame
    // (pending = null) a moment before it marks the session busy.
    queueMicrotask(() => {
      if (this.#idleWaiters.length === 0 || (!this.closed && (this.#busy || this.#pending))) return;
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    });
  }

  /**
   * Charges a frame of `bytes` against the session's rate limits; returns
   * which limit it is over, or null when it fits.
   */
  charge(bytes: number, nowMs: number): "fps" | "bytes" | null {
    if (!this.frameRate.take(1, nowMs)) return "fps";
    if (!this.byteRate.take(bytes, nowMs)) return "bytes";
    return null;
  }

  /** Number of open ack streams. */
  get watcherCount(): number {
    return this.listeners.size;
  }

  /**
   * Records that `seq` arrived. Returns "new" the first time, "duplicate" for
   * a seq seen recently (a retried upload), and "late" for an older seq never
   * seen (overtaken in flight by a newer frame).
   */
  receive(seq: number): "new" | "duplicate" | "late" {
    if (this.seen.has(seq)) return "duplicate";
    this.seen.add(seq);
    this.seenOrder.push(seq);
    // Remember as many seqs as acks are kept: a retry older than that is long stale anyway.
    if (this.seenOrder.length > this.historySize * 2) this.seen.delete(this.seenOrder.shift()!);
    if (seq < this.lastSeq) return "late";
    this.lastSeq = seq;
    return "new";
  }

  /** Stores the ack for resuming watchers and hands it to every open stream, with its cursor. */
  publish(ack: FrameAck): void {
    const cursor = ++this.acked;
    this.history.push({ cursor, ack });
    if (this.history.length > this.historySize) this.history.shift();
    for (const listener of this.listeners) listener.ack(ack, cursor);
  }

  /**
   * Subscribes to the acks after `from`: the held ones are returned for
   * replay, in the order they were published, newer ones go to `listener`.
   * Resuming after a cursor finds every ack the watcher missed (as long as it
   * is held); after a seq skips acks of lower seqs published later (late
   * frames), kept for clients that send no cursor. Call `stop` to stop.
   */
  watch(from: ResumePoint, listener: AckListener): { replay: { cursor: number; ack: FrameAck }[]; stop: () => void } {
    const replay = this.history.filter("afterCursor" in from ? (h) => h.cursor > from.afterCursor : (h) => h.ack.seq > from.afterSeq);
    this.listeners.add(listener);
    return { replay, stop: () => this.listeners.delete(listener) };
  }

  /** Ends the session and every open ack stream. */
  close(reason: DomainError): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = null; // also wakes whenIdle() waiters
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener.end(reason);
  }
}
