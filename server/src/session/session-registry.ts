import { randomBytes } from "node:crypto";
import { DomainError, cameraTakenOver } from "../rpc/errors.ts";
import { CaptureSession } from "./capture-session.ts";

/** Options for {@link SessionRegistry}. */
export interface SessionRegistryOptions {
  readonly maxSessions: number;
  readonly ackHistory: number;
  readonly idleMs: number;
  /** Per-session rate limits. */
  readonly rate: { readonly maxFps: number; readonly maxBytesPerSecond: number };
  /** Called after a session is removed (expired or stopped), to free what others hold for it. */
  readonly onClosed: (session: CaptureSession) => void;
}

/** How many taken-over session ids are remembered. */
const TAKEN_OVER_KEPT = 1_000;

/** A session id a client may propose: 128 to 256 random bits in base64url. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22,43}$/;

/** Camera ids are shown in URLs and logs: keep them short and plain. */
export const CAMERA_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * The open capture sessions. Session ids are 144 random bits (unguessable);
 * a session with no upload and no ack stream for `idleMs` is closed by
 * {@link SessionRegistry.sweep}, which the composition root calls on a timer.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, CaptureSession>();
  /** Sessions taken over, and why: their later calls get the same final status, not NOT_FOUND. */
  private readonly takenOver = new Map<string, DomainError>();
  /** Per camera, the open in progress: opens of one camera run one after another. */
  private readonly opening = new Map<string, Promise<unknown>>();

  constructor(private readonly options: SessionRegistryOptions) {}

  /** Number of open sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /**
   * Opens a session for a camera; RESOURCE_EXHAUSTED when the server is full.
   * A client may propose the id (sent as `x-session-id` on OpenSession) so a
   * proxy that hashes on that header sends every call of the session, the
   * first included, to the same replica; otherwise the server draws one.
   */
  open(cameraId: string, nowMs: number, proposedId?: string): CaptureSession {
    if (!CAMERA_ID_PATTERN.test(cameraId)) {
      throw new DomainError(
        "INVALID_ARGUMENT",
        `camera_id must be 1 to 64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit (got ${JSON.stringify(cameraId.slice(0, 80))})`,
      );
    }
    if (this.sessions.size >= this.options.maxSessions) {
      throw new DomainError("RESOURCE_EXHAUSTED", `the server has ${this.sessions.size} open sessions, its limit; try again later`);
    }
    if (proposedId !== undefined && !SESSION_ID_PATTERN.test(proposedId)) {
      throw new DomainError("INVALID_ARGUMENT", "x-session-id must be 22 to 43 base64url characters (at least 128 random bits)");
    }
    if (proposedId !== undefined && this.sessions.has(proposedId)) {
      throw new DomainError("ALREADY_EXISTS", "a session with this x-session-id is already open; propose a new random id");
    }
    const id = proposedId ?? randomBytes(18).toString("base64url");
    const session = new CaptureSession(id, cameraId, nowMs, this.options.ackHistory, this.options.rate);
    this.sessions.set(id, session);
    return session;
  }

  /** The open session with this id; NOT_FOUND when unknown or expired, ABORTED when taken over. */
  get(sessionId: string): CaptureSession {
    const session = this.sessions.get(sessionId);
    if (!session) {
      const takenOver = this.takenOver.get(sessionId);
      if (takenOver) throw takenOver;
      throw new DomainError("NOT_FOUND", sessionId ? "unknown or expired session; open a new one" : "session_id is missing");
    }
    return session;
  }

  /** The open session with this id, or undefined. */
  find(sessionId: string): CaptureSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** All open sessions. */
  all(): IterableIterator<CaptureSession> {
    return this.sessions.values();
  }

  /** Closes one session, ending its ack streams with `reason`. */
  close(session: CaptureSession, reason: DomainError): void {
    if (!this.sessions.delete(session.id)) return;
    if (reason.code === "ABORTED") {
      this.takenOver.set(session.id, reason);
      // Bounded: a client long gone no longer asks.
      if (this.takenOver.size > TAKEN_OVER_KEPT) this.takenOver.delete(this.takenOver.keys().next().value!);
    }
    session.close(reason);
    this.options.onClosed(session);
  }

  /**
   * Runs `open` for `cameraId` after any open of the same camera still
   * running here, so this replica records a camera's sessions in the order
   * it holds them (see {@link takeOver}).
   */
  async serialOpen<T>(cameraId: string, open: () => Promise<T>): Promise<T> {
    const before = this.opening.get(cameraId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(open);
    this.opening.set(cameraId, mine);
    try {
      return await mine;
    } finally {
      if (this.opening.get(cameraId) === mine) this.opening.delete(cameraId);
    }
  }

  /**
   * The camera is held by session `liveSessionId` (recorded in the store):
   * every other session of it here ends with ABORTED (cameraTakenOver).
   * With `readAt` (performance.now() before the store was read), only
   * sessions held before then: one recorded later may be newer than what was read.
   */
  takeOver(cameraId: string, liveSessionId: string, readAt = Infinity): number {
    let closed = 0;
    for (const session of [...this.sessions.values()]) {
      if (session.cameraId !== cameraId || session.id === liveSessionId) continue;
      if (session.heldAt === undefined || session.heldAt >= readAt) continue;
      this.close(session, cameraTakenOver(cameraId));
      closed++;
    }
    return closed;
  }

  /** Closes sessions idle for longer than the limit; returns how many. */
  sweep(nowMs: number): number {
    let closed = 0;
    for (const session of [...this.sessions.values()]) {
      const idle = session.watcherCount === 0 && !session.busy && nowMs - session.lastActivityMs > this.options.idleMs;
      if (idle) {
        this.close(session, new DomainError("NOT_FOUND", "the session expired after inactivity; open a new one"));
        closed++;
      }
    }
    return closed;
  }

  /** Closes every session (server stopping). */
  closeAll(reason: DomainError): void {
    for (const session of [...this.sessions.values()]) this.close(session, reason);
  }
}
