/**
 * One area's live counts for the occupancy display: WatchArea, kept open
 * with backoff reconnects, and a watchdog: a stream that says nothing for
 * longer than a few heartbeats (a cut network often looks like that) is
 * dropped and reopened, and the display stops calling its number live.
 */

import { AreaServiceClient } from "@headcount/proto/area-client";
import type { Area } from "@headcount/proto/area";
import { ReconnectBackoff, sleep } from "../reconnect-backoff.ts";
import { describeFailure, toCallFailure } from "../rpc-errors.ts";
import { browserStore } from "../capture/camera-identity.ts";
import { createTransport } from "../transport.ts";
import { viewerInterceptor } from "../viewer-credential.ts";

/** The server sends a heartbeat every 5 s; silence for this long means the link is gone. */
export const SILENCE_MS = 12_000;

/** What the display knows. */
export interface AreaFeedView {
  readonly state: "connecting" | "live" | "reconnecting" | "error";
  readonly area: Area | null;
  /** The page's clock when the last message arrived. */
  readonly receivedAtMs: number | null;
  readonly error: string | null;
}

/** Feeds one display; {@link start} on mount, {@link stop} on unmount. */
export class AreaFeed {
  readonly #client: AreaServiceClient;
  readonly #listeners = new Set<() => void>();
  readonly #backoff = new ReconnectBackoff();
  #abort: AbortController | null = null;
  #view: AreaFeedView = { state: "connecting", area: null, receivedAtMs: null, error: null };

  constructor(
    baseUrl: string,
    private readonly areaId: string,
  ) {
    this.#client = new AreaServiceClient(createTransport(baseUrl, [viewerInterceptor(browserStore)]));
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): AreaFeedView => this.#view;

  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    void this.#loop(this.#abort.signal);
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = null;
  }

  async #loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const call = new AbortController();
      const cancel = () => call.abort();
      signal.addEventListener("abort", cancel);
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => call.abort(), SILENCE_MS);
      };
      try {
        arm();
        const stream = this.#client.watchArea({ areaId: this.areaId }, { abort: call.signal });
        for await (const message of stream.responses) {
          arm();
          this.#backoff.reset();
          this.#update({ state: "live", area: message.area ?? null, receivedAtMs: Date.now(), error: null });
        }
        this.#update({ error: "The server ended the stream." });
      } catch (error) {
        if (signal.aborted) return;
        const failure = toCallFailure(error);
        if (failure.code === "NOT_FOUND") {
          this.#update({ state: "error", area: null, error: "This area does not exist (any more). Pick it again on the count page." });
          return;
        }
        this.#update({ error: call.signal.aborted ? "No word from the server for a while." : failure.network ? "Cannot reach the server." : describeFailure(failure) });
      } finally {
        clearTimeout(watchdog);
        signal.removeEventListener("abort", cancel);
      }
      if (signal.aborted) return;
      this.#update({ state: "reconnecting" });
      await sleep(this.#backoff.next(), signal);
    }
  }

  #update(patch: Partial<AreaFeedView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const l of this.#listeners) l();
  }
}
