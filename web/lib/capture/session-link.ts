/**
 * The capture page's link to the server: OpenSession, then a WatchAcks stream
 * kept open for as long as the page captures. When the stream fails or ends
 * it waits with backoff and resumes after the last acked seq; a NOT_FOUND
 * means the server forgot the session (it restarted), so a new one is opened.
 */

import type { CaptureServiceClient } from "@headcount/proto/capture-client";
import type { CountingLine, FrameAck, SessionLimits } from "@headcount/proto/types";
import { describeFailure, toCallFailure } from "../rpc-errors.ts";
import { ReconnectBackoff, sleep } from "../reconnect-backoff.ts";
import { callOptions } from "../transport.ts";

/** A session the server opened. */
export interface OpenedSession {
  readonly id: string;
  readonly limits: SessionLimits | null;
  readonly line: CountingLine | null;
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
}

/** Who this device is, read at each OpenSession (the name may have been edited). */
export interface LinkIdentity {
  readonly cameraId: string;
  readonly cameraName: string;
}

/** A stream that lived this long counts as a success for the backoff. */
const HEALTHY_STREAM_MS = 10_000;

/** Keeps one capture session alive; {@link run} once per Start. */
export class SessionLink {
  readonly #client: CaptureServiceClient;
  readonly #baseUrl: string;
  readonly #identity: () => LinkIdentity;
  readonly #events: SessionLinkEvents;
  readonly #backoff = new ReconnectBackoff();
  #session: OpenedSession | null = null;
  #watchAbort: AbortController | null = null;
  #currentRun: AbortSignal | null = null;
  #lastAckedSeq = 0;

  /** Creates an idle link. */
  constructor(client: CaptureServiceClient, baseUrl: string, identity: () => LinkIdentity, events: SessionLinkEvents) {
    this.#client = client;
    this.#baseUrl = baseUrl;
    this.#identity = identity;
    this.#events = events;
  }

  /** The open session, or null while (re)connecting. */
  get session(): OpenedSession | null {
    return this.#session;
  }

  /** The highest seq acked so far (page lifetime); WatchAcks resumes after it. */
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

  /** Runs until `signal` aborts; never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    let wasLive = false;
    // A Stop quickly followed by Start can leave the old run finishing while the new one begins.
    this.#currentRun = signal;
    this.#session = null;
    try {
      while (!signal.aborted) {
        if (!this.#session) {
          this.#events.state(wasLive ? "reconnecting" : "connecting", null);
          if (!(await this.#open(signal))) {
            if (signal.aborted) return;
            await this.#wait(signal);
            continue;
          }
        }
        const session = this.#session;
        if (!session) continue;
        wasLive = true;
        const openedAt = Date.now();
        await this.#watch(session, signal);
        if (signal.aborted) return;
        if (Date.now() - openedAt > HEALTHY_STREAM_MS) this.#backoff.reset();
        await this.#wait(signal);
      }
    } finally {
      // A new Start opens a new session; the server expires the old one.
      if (this.#currentRun === signal) {
        this.#currentRun = null;
        this.#session = null;
      }
    }
  }

  async #open(signal: AbortSignal): Promise<boolean> {
    try {
      const { response } = this.#client.openSession(this.#identity(), callOptions(null, signal));
      const opened = await response;
      if (signal.aborted) return false;
      this.#session = { id: opened.sessionId, limits: opened.limits ?? null, line: opened.line ?? null };
      this.#events.opened(this.#session);
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      const failure = toCallFailure(error);
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
    this.#events.state("live", null);
    try {
      const call = this.#client.watchAcks(
        { sessionId: session.id, resumeAfterSeq: this.#lastAckedSeq },
        callOptions(session.id, watch.signal),
      );
      for await (const message of call.responses) {
        if (!message.ack) continue;
        this.#lastAckedSeq = Math.max(this.#lastAckedSeq, message.ack.seq);
        this.#backoff.reset();
        this.#events.ack(message.ack);
      }
    } catch (error) {
      if (signal.aborted) return;
      const failure = toCallFailure(error);
      if (failure.code === "NOT_FOUND") this.forget(session);
      // An abort of ours (reconnect()) was already explained by whoever asked for it.
      else if (!watch.signal.aborted) this.#events.error(`Lost the ack stream: ${describeFailure(failure)}`);
    } finally {
      signal.removeEventListener("abort", onStop);
      if (this.#watchAbort === watch) this.#watchAbort = null;
    }
  }

  async #wait(signal: AbortSignal): Promise<void> {
    const delay = this.#backoff.next();
    this.#events.state("reconnecting", Date.now() + delay);
    await sleep(delay, signal);
  }
}
