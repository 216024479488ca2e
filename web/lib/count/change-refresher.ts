/**
 * Refetching history when the live counts say it changed, without asking the
 * server on every snapshot: WatchCounts pushes a few snapshots a second while
 * people walk by, and a chart or a "today" figure needs at most one refresh
 * every few seconds.
 */

import type { Camera } from "@headcount/proto/count";

/** The clock and timers a {@link ChangeRefresher} uses (the real ones, or a scripted fake in tests). */
export interface RefreshTimers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Date.now and the global timers. */
export const systemTimers: RefreshTimers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How often history is refetched at most while counts change. */
export const LIVE_REFRESH_MS = 5_000;

/**
 * Calls `run(id)` when the key observed for `id` changes: at once if the
 * last run of that id is at least `intervalMs` old, else once when it is
 * (trailing edge, so the final state is always fetched). The first key seen
 * for an id runs at once.
 */
export class ChangeRefresher {
  readonly #keys = new Map<string, string>();
  readonly #lastRun = new Map<string, number>();
  readonly #pending = new Map<string, unknown>();

  constructor(
    private readonly run: (id: string) => void,
    private readonly intervalMs: number = LIVE_REFRESH_MS,
    private readonly timers: RefreshTimers = systemTimers,
  ) {}

  /** Records the current key of `id`; runs or schedules a refresh when it changed. */
  observe(id: string, key: string): void {
    const previous = this.#keys.get(id);
    this.#keys.set(id, key);
    if (previous === key) return;
    if (previous === undefined) this.trigger(id);
    else this.#schedule(id);
  }

  /** Runs `id` now regardless of the interval (the user changed what is shown), cancelling a pending run. */
  trigger(id: string): void {
    this.#cancel(id);
    this.#lastRun.set(id, this.timers.now());
    this.run(id);
  }

  /** Forgets an id (a camera that is gone), cancelling its pending run. */
  forget(id: string): void {
    this.#cancel(id);
    this.#keys.delete(id);
    this.#lastRun.delete(id);
  }

  /** Cancels every pending run; observe() starts afresh afterwards. */
  stop(): void {
    for (const id of [...this.#pending.keys()]) this.#cancel(id);
    this.#keys.clear();
    this.#lastRun.clear();
  }

  #schedule(id: string): void {
    if (this.#pending.has(id)) return;
    const wait = (this.#lastRun.get(id) ?? -Infinity) + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      this.trigger(id);
      return;
    }
    this.#pending.set(
      id,
      this.timers.setTimeout(() => {
        this.#pending.delete(id);
        this.trigger(id);
      }, wait),
    );
  }

  #cancel(id: string): void {
    const handle = this.#pending.get(id);
    if (handle === undefined) return;
    this.timers.clearTimeout(handle);
    this.#pending.delete(id);
  }
}

/**
 * What of a camera the history depends on: its totals and its last reset
 * (people in view come and go without a stored event, so they are left out).
 */
export function historyKey(camera: Camera): string {
  const counts = camera.counts;
  return [counts?.entered ?? 0, counts?.exited ?? 0, counts?.crossedIn ?? 0, counts?.crossedOut ?? 0, camera.resetAtMs].join(",");
}

/** {@link historyKey} of one camera (by id, "" when unknown), or of every camera when `cameraId` is "". */
export function selectionKey(cameras: readonly Camera[], cameraId: string): string {
  if (cameraId) {
    const camera = cameras.find((c) => c.cameraId === cameraId);
    return camera ? historyKey(camera) : "";
  }
  return cameras.map((camera) => `${camera.cameraId}:${historyKey(camera)}`).join(";");
}
