/**
 * The capture page's link to the server: OpenSession, then a WatchAcks stream
 * kept open for as long as the page captures. When the stream fails or ends
 * it waits with backoff and resumes after the last ack it received (the
 * server's cursor: acks leave in completion order, so "after the highest
 * seq" could skip one); a NOT_FOUND means the server forgot the session (it
 * restarted), so a new one is opened. Its shown state ("live" needs
 * evidence) is a {@link LinkStatus}.
 */

import { type CallFailure, describeFailure, isRefusal, isTakeover, toCallFailure } from "../rpc-errors.ts";
import { ReconnectBackoff } from "../reconnect-backoff.ts";
import { LinkStatus } from "./link-status.ts";
import { closeCaptureSession, openCaptureSession, openFailureMessage, readAcks } from "./session-calls.ts";
import type { LinkIdentity, OpenedSession, SessionLinkClient, SessionLinkEvents, SessionLinkOptions } from "./session-link-types.ts";

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
  readonly #status: LinkStatus;
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
    this.#status = new LinkStatus((state, retryAtMs) => this.#events.state(state, retryAtMs), this.#backoff);
  }

  /** The open session, or null while (re)connecting. */
  get session(): OpenedSession | null {
    return this.#session;
  }

  /** The session frames may be uploaded to now: open, and no backoff running. */
  get sendableSession(): OpenedSession | null {
    return this.#status.waiting ? null : this.#session;
  }

  /** The owner's evidence that the server answers on `session` (an upload succeeded). */
  confirm(session: OpenedSession): void {
    if (session === this.#session && !this.#status.waiting) this.#status.markLive();
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
    await closeCaptureSession(this.#client, session);
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
          this.#status.show(wasLive ? "reconnecting" : "connecting", null);
          if (!(await this.#open(signal))) {
            // A refused credential is final: retrying cannot cure it, only pairing can.
            if (signal.aborted || this.#refused) return;
            await this.#status.wait(signal);
            continue;
          }
          this.#status.markLive();
        } else {
          // Watching an existing session again after a failure: not live until the server shows it answers.
          this.#status.show("reconnecting", null);
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
        await this.#status.wait(signal);
      }
    } finally {
      // A new Start opens a new session; the server expires the old one.
      if (this.#currentRun === signal) {
        this.#currentRun = null;
        this.#session = null;
        this.#status.clear();
      }
    }
  }

  async #open(signal: AbortSignal): Promise<boolean> {
    try {
      const opened = await openCaptureSession(this.#client, this.#identity, this.#captureToken, signal);
      if (signal.aborted) return false;
      this.#session = opened;
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
      this.#events.error(openFailureMessage(this.#baseUrl, failure));
      return false;
    }
  }

  async #watch(session: OpenedSession, signal: AbortSignal): Promise<void> {
    const watch = new AbortController();
    const onStop = (): void => watch.abort();
    signal.addEventListener("abort", onStop, { once: true });
    this.#watchAbort = watch;
    try {
      await readAcks(this.#client, session, { afterSeq: this.#lastAckedSeq, afterCursor: this.#ackCursor }, watch.signal, (ack, cursor) => {
        this.#lastAckedSeq = Math.max(this.#lastAckedSeq, ack.seq);
        this.#ackCursor = Math.max(this.#ackCursor, cursor);
        this.#backoff.reset();
        this.#reopenedAtOnce = false;
        this.#status.markLive();
        this.#events.ack(ack);
      });
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
}
