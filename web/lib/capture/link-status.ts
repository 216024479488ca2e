/**
 * The state a {@link SessionLink} shows, and the rule for "live": it needs
 * evidence that the server answers on the session (a successful OpenSession,
 * an ack, or an upload the owner reports through SessionLink.confirm). An
 * open WatchAcks call alone proves nothing (the server may hold its headers
 * until the first ack, and an error answer has headers too), so frames are
 * sent whenever a session exists and no backoff is running, and their
 * uploads provide the evidence.
 */

import { type ReconnectBackoff, sleep } from "../reconnect-backoff.ts";
import type { LinkState } from "./session-link-types.ts";

/** A link's shown state and its backoff waits. */
export class LinkStatus {
  readonly #report: (state: LinkState, retryAtMs: number | null) => void;
  readonly #backoff: ReconnectBackoff;
  #waiting = false;
  #confirmed = false;

  /** `report` receives every state change; `backoff` paces {@link wait}. */
  constructor(report: (state: LinkState, retryAtMs: number | null) => void, backoff: ReconnectBackoff) {
    this.#report = report;
    this.#backoff = backoff;
  }

  /** True while a backoff wait runs (no frames are sent then). */
  get waiting(): boolean {
    return this.#waiting;
  }

  /** The server answered on the session: show "live" unless it already shows. */
  markLive(): void {
    if (!this.#confirmed) this.show("live", null);
  }

  /** Every state change goes through here, so "confirmed" always means "the page shows live". */
  show(state: LinkState, retryAtMs: number | null): void {
    this.#confirmed = state === "live";
    this.#report(state, retryAtMs);
  }

  /** Waits the backoff's next delay, showing "reconnecting" with the retry time; ends early when `signal` aborts. */
  async wait(signal: AbortSignal): Promise<void> {
    const delay = this.#backoff.next();
    this.#waiting = true;
    this.show("reconnecting", Date.now() + delay);
    try {
      await sleep(delay, signal);
    } finally {
      this.#waiting = false;
    }
  }

  /** A run ended: nothing is confirmed and no wait runs. */
  clear(): void {
    this.#confirmed = false;
    this.#waiting = false;
  }
}
