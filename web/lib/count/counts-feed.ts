/**
 * The count page's data: ListCameras once, then the WatchCounts stream, kept
 * open with backoff reconnects. Framework-free; the board subscribes with
 * useSyncExternalStore.
 */

import { CountServiceClient } from "@headcount/proto/count-client";
import type { Area } from "@headcount/proto/area";
import type { Camera } from "@headcount/proto/count";
import { ReconnectBackoff, sleep } from "../reconnect-backoff.ts";
import { describeFailure, toCallFailure } from "../rpc-errors.ts";
import { browserStore } from "../capture/camera-identity.ts";
import { UNARY_DEADLINE_MS, createTransport, withDeadline } from "../transport.ts";
import { viewerInterceptor } from "../viewer-credential.ts";
import { viewerUtcOffsetMinutes } from "./series-range.ts";
import { mergeCameras } from "./board-order.ts";

/** The board's connection state; also the exact text of `data-testid="board-state"`. */
export type BoardState = "connecting" | "live" | "reconnecting" | "error";

/** Everything the board shows; a new object on every change. */
export interface BoardView {
  readonly state: BoardState;
  /** When the next reconnect happens (Date.now() clock), while reconnecting. */
  readonly retryAtMs: number | null;
  readonly error: string | null;
  /** Cameras sorted by name, then id; null until the first answer. */
  readonly cameras: readonly Camera[] | null;
  /** Every area with its counts, from the last message; empty until the stream answers. */
  readonly areas: readonly Area[];
  /** The server's clock at the last snapshot, and the page's clock when it arrived (for "seen 3 s ago"). */
  readonly serverTimeMs: number | null;
  readonly receivedAtMs: number | null;
}

/** Sorts cameras for display: by name (or id when unnamed), then id, so tiles do not jump around. */
export function sortCameras(cameras: readonly Camera[]): Camera[] {
  return [...cameras].sort((a, b) => {
    const byName = (a.name || a.cameraId).localeCompare(b.name || b.cameraId);
    return byName !== 0 ? byName : a.cameraId.localeCompare(b.cameraId);
  });
}

/** Feeds one count board; {@link start} on mount, {@link stop} on unmount. */
export class CountsFeed {
  readonly #client: CountServiceClient | null;
  readonly #baseUrl: string;
  readonly #listeners = new Set<() => void>();
  readonly #backoff = new ReconnectBackoff();
  #abort: AbortController | null = null;
  #view: BoardView;

  /** `baseUrl` null means the configuration is invalid and `configError` is shown instead. */
  constructor(baseUrl: string | null, configError: string | null) {
    this.#client = baseUrl ? new CountServiceClient(createTransport(baseUrl, [viewerInterceptor(browserStore)])) : null;
    this.#baseUrl = baseUrl ?? "";
    this.#view = {
      state: baseUrl ? "connecting" : "error",
      retryAtMs: null,
      error: baseUrl ? null : configError,
      cameras: null,
      areas: [],
      serverTimeMs: null,
      receivedAtMs: null,
    };
  }

  /** useSyncExternalStore's subscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** useSyncExternalStore's getSnapshot. */
  readonly getSnapshot = (): BoardView => this.#view;

  /** Starts the feed (idempotent). */
  start(): void {
    if (this.#abort || !this.#client) return;
    const abort = new AbortController();
    this.#abort = abort;
    void this.#loop(this.#client, abort.signal);
  }

  /** Stops the feed and its stream. */
  stop(): void {
    this.#abort?.abort();
    this.#abort = null;
  }

  async #loop(client: CountServiceClient, signal: AbortSignal): Promise<void> {
    let listed = false;
    while (!signal.aborted) {
      try {
        if (!listed) {
          // The stream's first snapshot would do too, but the list answers even if streaming is broken by a proxy.
          const { cameras } = await withDeadline(
            UNARY_DEADLINE_MS,
            signal,
            (callSignal) => client.listCameras({ utcOffsetMinutes: viewerUtcOffsetMinutes() }, { abort: callSignal }).response,
          );
          listed = true;
          this.#update({ cameras: sortCameras(cameras), receivedAtMs: Date.now() });
        }
        // Each camera's "today" starts at this page's local midnight (the offset as of opening the stream).
        // Only the cameras that changed after the first message: with 100 cameras most messages hold one or two.
        const call = client.watchCounts({ utcOffsetMinutes: viewerUtcOffsetMinutes(), changesOnly: true }, { abort: signal });
        // Not "live" until the first snapshot: an open call proves nothing (an error answer has headers too).
        this.#update({ retryAtMs: null });
        for await (const snapshot of call.responses) {
          this.#backoff.reset();
          this.#update({
            state: "live",
            error: null,
            cameras: sortCameras(snapshot.changesOnly ? mergeCameras(this.#view.cameras ?? [], snapshot.cameras) : snapshot.cameras),
            areas: snapshot.areas,
            serverTimeMs: snapshot.serverTimeMs || null,
            receivedAtMs: Date.now(),
          });
        }
      } catch (error) {
        if (signal.aborted) return;
        const failure = toCallFailure(error);
        this.#update({
          error: failure.network
            ? `Cannot reach the headcount server at ${this.#baseUrl} (${failure.message}).`
            : `The count stream failed: ${describeFailure(failure)}`,
        });
      }
      if (signal.aborted) return;
      const delay = this.#backoff.next();
      this.#update({ state: "reconnecting", retryAtMs: Date.now() + delay });
      await sleep(delay, signal);
    }
  }

  #update(patch: Partial<BoardView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const listener of this.#listeners) listener();
  }
}
