/**
 * The capture page's link to the server: OpenSession, then a WatchAcks stream
 * kept open for as long as the page captures. When the stream fails or ends
 * it waits with backoff and resumes after the last ack it received (the
 * server's cursor: acks leave in completion order, so "after the highest
 * seq" could skip one); a NOT_FOUND means the server forgot the session (it
 * restarted), so a new one is opened.
 *
 * "live" needs evidence that the server answers on the session: a successful
 * OpenSession, an ack, or an upload the owner reports through
 * {@link SessionLink.confirm}. An open WatchAcks call alone proves nothing
 * (the server may hold its headers until the first ack, and an error answer
 * has headers too), so frames are sent whenever a session exists and no
 * backoff is running, and their uploads provide the evidence.
 */

import type { ICaptureServiceClient } from "@headcount/proto/capture-client";
import type { CountingLine, FrameAck, NamedLine, SessionLimits, Zone } from "@headcount/proto/types";
import { describeFailure, isRefusal, isTakeover, toCallFailure } from "../rpc-errors.ts";
import type { CallFailure } from "../rpc-errors.ts";
import { ReconnectBackoff, sleep } from "../reconnect-backoff.ts";
import { UNARY_DEADLINE_MS, callOptions, withDeadline } from "../transport.ts";

/** A session the server opened. */
export interface OpenedSession {
  readonly id: string;
  /** The session's credential for UploadFrame, WatchAcks and SetCountingLine. */
  readonly token: string;
  readonly limits: SessionLimits | null;
  readonly line: CountingLine | null;
  /** The camera's named lines and zones, drawn live (those other than "line", which is `line`). */
  readonly places: { readonly lines: readonly NamedLine[]; readonly zones: readonly Zone[] };
  /** The camera's name as the server stores it (the truth the page shows). */
  readonly cameraName: string;
}

/** The link's state, a subset of the page's connection state. */
export type LinkState = "connecting" | "live" | "reconnecting";

/** What the link reports to its owner. */
export interface SessionLinkEvents {
  /** State changes; `retryAtMs` (Date.now() clock) is set while waiting to reconnect. */
  state(state: LinkState, retryAtMs: number | null): void;
  opened(session: OpenedSession): void;
  ack(ack: FrameAck): void;
  /** A connection problem worth showing. */
  error(message: string): void;
  /** Something the user may want to know that is not an error. */
  notice(message: string): void;
  /** The server refused this device's credential (UNAUTHENTICATED, PERMISSION_DENIED): final, the link stops. */
  refused(failure: CallFailure): void;
  /** Another device or page took the camera over (ABORTED on the current session): final, the link stops. */
  takenOver(failure: CallFailure): void;
}

/** Who this device is, read at each OpenSession (OpenSessionRequest's fields). */
export interface LinkIdentity {
  readonly cameraId: string;
  /** A name the user typed on this page (renames the camera); empty keeps the server's name. */
  readonly cameraName: string;
  /** The name for a camera this call creates (a link's or the page's remembered name); never renames. */
  readonly newCameraName: string;
}

/** The calls the link makes (the generated client, or a scripted fake in tests; a fake may leave out closeSession). */
export type SessionLinkClient = Pick<ICaptureServiceClient, "openSession" | "watchAcks"> & Partial<Pick<ICaptureServiceClient, "closeSession">>;

/** What a link needs. */
export interface SessionLinkOptions {
  readonly client: SessionLinkClient;
  /** Only for messages ("Cannot reach the headcount server at ..."). */
  readonly baseUrl: string;
  readonly identity: () => LinkIdentity;
  /** Sent with OpenSession: the camera's pairing token or the shared capture token. */
  readonly captureToken?: string | null;
  readonly events: SessionLinkEvents;
  /** Defaults to 0.5 s .. 10 s; tests pass a fast one. */
  readonly backoff?: ReconnectBackoff;
}

/**
 * A fresh session id to propose on OpenSession: 144 random bits as 24
 * base64url characters (the server accepts 22 to 43). A new one per attempt,
 * so an ALREADY_EXISTS cannot repeat.
 */
export function proposeSessionId(randomBytes: (n: number) => Uint8Array = cryptoBytes): string {
  let binary = "";
  for (const byte of randomBytes(18)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_");
}

function cryptoBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** A stream that lived this long counts as a success for the backoff. */
const HEALTHY_STREAM_MS = 10_000;

/** Keeps one capture session alive; {@link run} once per Start. */
export class SessionLink {
  readonly #client: SessionLinkClient;
  readonly #baseUrl: string;
  readonly #identity: () => LinkIdentity;
  readonly #captureToken: string | null;
  readonly #events: SessionLinkEvents;
  readonly #backoff: ReconnectBackoff;
  #session: OpenedSession | null = null;
  #watchAbort: AbortController | null = null;
  #currentRun: AbortSignal | null = null;
  #lastAckedSeq = 0;
  /** The cursor of the last ack received on the current session (0: none yet). */
  #ackCursor = 0;
  #waiting = false;
  #confirmed = false;
  /** Set after a NOT_FOUND was answered by reopening at once; cleared by the next ack. */
  #reopenedAtOnce = false;
  /** Set when OpenSession refused the credential; the run ends. */
  #refused = false;
  /** Set when the current session was taken over; the run ends. */
  #takenOver = false;

  /** Creates an idle link. */
  constructor(options: SessionLinkOptions) {
    this.#client = options.client;
    this.#baseUrl = options.baseUrl;
    this.#identity = options.identity;
    this.#captureToken = options.captureToken ?? null;
    this.#events = options.events;
    this.#backoff = options.backoff ?? new ReconnectBackoff();
  }

  /** The open session, or null while (re)connecting. */
  get session(): OpenedSession | null {
    return this.#session;
  }

  /** The session frames may be uploaded to now: open, and no backoff running. */
  get sendableSession(): OpenedSession | null {
    return this.#waiting ? null : this.#session;
  }

  /** The owner's evidence that the server answers on `session` (an upload succeeded). */
  confirm(session: OpenedSession): void {
    if (session === this.#session && !this.#waiting) this.#markLive();
  }

  /** The highest seq acked so far (page lifetime); a server without ack cursors resumes after it. */
  get lastAckedSeq(): number {
    return this.#lastAckedSeq;
  }

  /** Ends the current ack stream so the link backs off and reconnects (e.g. after a failed upload). */
  reconnect(): void {
    this.#watchAbort?.abort();
  }

  /** The server said this session is gone: open a new one. Ignored if a newer session is already open. */
  forget(session: OpenedSession): void {
    if (this.#session !== session) return;
    this.#session = null;
    this.#events.notice("The server no longer knows this session (restarted?); opening a new one.");
    this.reconnect();
  }

  /**
   * The server said `session` was taken over by a newer session of the
   * camera: the link stops for good and reports it once. Ignored for a
   * session the link already left (after a NOT_FOUND it opened a new one; that
   * new one taking over the old is this page's own reconnect, not another device).
   */
  takenOver(session: OpenedSession, failure: CallFailure): void {
    if (this.#session !== session || this.#takenOver) return;
    this.#takenOver = true;
    this.#events.takenOver(failure);
    this.#watchAbort?.abort();
  }

  /**
   * Ends `session` on the server (the user's Stop), so the people still in
   * view exit now ("capture stopped") rather than after the server's idle
   * timeout. Best effort, never rejects: if it fails, the timeout does it.
   */
  async end(session: OpenedSession | null): Promise<void> {
    const closeSession = this.#client.closeSession?.bind(this.#client);
    if (!session || !closeSession) return;
    try {
      await withDeadline(UNARY_DEADLINE_MS, undefined, (signal) => closeSession({ sessionId: session.id }, callOptions(session.id, signal, session.token)).response);
    } catch {
      // The server expires the session by itself.
    }
  }

  /** Runs until `signal` aborts; never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let wasLive = false;
    // A Stop quickly followed by Start can leave the old run finishing while the new one begins.
    this.#currentRun = signal;
    this.#session = null;
    this.#refused = false;
    this.#takenOver = false;
    try {
      while (!signal.aborted) {
        if (!this.#session) {
          this.#emit(wasLive ? "reconnecting" : "connecting", null);
          if (!(await this.#open(signal))) {
            // A refused credential is final: retrying cannot cure it, only pairing can.
            if (signal.aborted || this.#refused) return;
            await this.#wait(signal);
            continue;
          }
          this.#markLive();
        } else {
          // Watching an existing session again after a failure: not live until the server shows it answers.
          this.#emit("reconnecting", null);
        }
        const session = this.#session;
        if (!session) continue;
        wasLive = true;
        const openedAt = Date.now();
        await this.#watch(session, signal);
        if (signal.aborted || this.#takenOver) return;
        if (Date.now() - openedAt > HEALTHY_STREAM_MS) this.#backoff.reset();
        if (!this.#session && !this.#reopenedAtOnce) {
          // NOT_FOUND: the server answered, it just forgot us (restart). Reopen now, but only
          // once in a row, so a server that keeps forgetting cannot make this loop spin.
          this.#reopenedAtOnce = true;
          continue;
        }
        await this.#wait(signal);
      }
    } finally {
      // A new Start opens a new session; the server expires the old one.
      if (this.#currentRun === signal) {
        this.#currentRun = null;
        this.#session = null;
        this.#confirmed = false;
        this.#waiting = false;
      }
    }
  }

  async #open(signal: AbortSignal): Promise<boolean> {
    try {
      // Proposing the id lets a proxy that hashes on x-session-id route this very call to the
      // replica that will hold the session; a server may still choose its own id.
      const proposed = proposeSessionId();
      const opened = await withDeadline(
        UNARY_DEADLINE_MS,
        signal,
        (callSignal) => this.#client.openSession(this.#identity(), callOptions(proposed, callSignal, this.#captureToken)).response,
      );
      if (signal.aborted) return false;
      this.#session = {
        id: opened.sessionId,
        token: opened.sessionToken,
        limits: opened.limits ?? null,
        line: opened.line ?? null,
        places: { lines: opened.lines.filter((l) => l.id !== "line"), zones: opened.zones },
        cameraName: opened.cameraName ?? "",
      };
      this.#ackCursor = 0;
      this.#events.opened(this.#session);
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      const failure = toCallFailure(error);
      if (isRefusal(failure)) {
        this.#refused = true;
        this.#events.refused(failure);
        return false;
      }
      this.#events.error(
        failure.network
          ? `Cannot reach the headcount server at ${this.#baseUrl} (${failure.message}). Is it running, and is this address reachable from this device?`
          : `Could not open a capture session at ${this.#baseUrl}: ${describeFailure(failure)}${
              failure.code === "NOT_FOUND" || failure.code === "UNIMPLEMENTED"
                ? " (is HEADCOUNT_GRPC_WEB_URL pointing at the gRPC-Web endpoint?)"
                : ""
            }`,
      );
      return false;
    }
  }

  async #watch(session: OpenedSession, signal: AbortSignal): Promise<void> {
    const watch = new AbortController();
    const onStop = (): void => watch.abort();
    signal.addEventListener("abort", onStop, { once: true });
    this.#watchAbort = watch;
    try {
      const call = this.#client.watchAcks(
        { sessionId: session.id, resumeAfterSeq: this.#lastAckedSeq, resumeAfterCursor: this.#ackCursor },
        callOptions(session.id, watch.signal, session.token),
      );
      for await (const message of call.responses) {
        if (!message.ack) continue;
        this.#lastAckedSeq = Math.max(this.#lastAckedSeq, message.ack.seq);
        this.#ackCursor = Math.max(this.#ackCursor, message.cursor);
        this.#backoff.reset();
        this.#reopenedAtOnce = false;
        this.#markLive();
        this.#events.ack(message.ack);
      }
    } catch (error) {
      if (signal.aborted) return;
      const failure = toCallFailure(error);
      if (isTakeover(failure)) this.takenOver(session, failure);
      else if (failure.code === "NOT_FOUND") this.forget(session);
      // An abort of ours (reconnect()) was already explained by whoever asked for it.
      else if (!watch.signal.aborted) this.#events.error(`Lost the ack stream: ${describeFailure(failure)}`);
    } finally {
      signal.removeEventListener("abort", onStop);
      if (this.#watchAbort === watch) this.#watchAbort = null;
    }
  }

  async #wait(signal: AbortSignal): Promise<void> {
    const delay = this.#backoff.next();
    this.#waiting = true;
    this.#emit("reconnecting", Date.now() + delay);
    try {
      await sleep(delay, signal);
    } finally {
      this.#waiting = false;
    }
  }

  #markLive(): void {
    if (!this.#confirmed) this.#emit("live", null);
  }

  /** Every state change goes through here, so "confirmed" always means "the page shows live". */
  #emit(state: LinkState, retryAtMs: number | null): void {
    this.#confirmed = state === "live";
    this.#events.state(state, retryAtMs);
  }
}
