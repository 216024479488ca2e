/**
 * A one-shot timer for the frame loop that keeps its pace in a hidden tab.
 *
 * Browsers throttle main-thread timers of hidden pages (Chrome: at most one
 * wake-up per second, then per minute), which would turn a 10 fps capture in
 * a background tab into 1 fps. Timers inside a dedicated worker are not
 * throttled that way, so the delay runs in a tiny inline worker and only the
 * "tick" message comes back. Where a worker cannot be created (old browser,
 * strict CSP), plain setTimeout is used.
 */

/** Schedules one callback at a time; scheduling again replaces the pending one. */
export interface FrameTimer {
  schedule(delayMs: number, callback: () => void): void;
  cancel(): void;
  /** Releases the worker, if any. */
  dispose(): void;
}

// Messages: [id, delayMs] schedules (replacing any pending one), [id, -1] cancels; the worker answers with the id.
const WORKER_SOURCE = `
let timer = null;
onmessage = (event) => {
  clearTimeout(timer);
  const [id, delay] = event.data;
  if (delay >= 0) timer = setTimeout(() => postMessage(id), delay);
};
`;

/** A worker-backed timer where possible, else a setTimeout one. */
export function createFrameTimer(): FrameTimer {
  try {
    if (typeof Worker === "function" && typeof Blob === "function" && typeof URL.createObjectURL === "function") {
      return new WorkerTimer();
    }
  } catch {
    // Fall through: e.g. a Content-Security-Policy without worker-src blob:.
  }
  return new TimeoutTimer();
}

class WorkerTimer implements FrameTimer {
  readonly #worker: Worker;
  readonly #url: string;
  #callback: (() => void) | null = null;
  #id = 0;

  constructor() {
    this.#url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    this.#worker = new Worker(this.#url);
    this.#worker.onmessage = (event: MessageEvent<number>) => {
      // A tick already on its way when the timer was rescheduled must not fire the new callback early.
      if (event.data !== this.#id) return;
      const callback = this.#callback;
      this.#callback = null;
      callback?.();
    };
  }

  schedule(delayMs: number, callback: () => void): void {
    this.#callback = callback;
    this.#id += 1;
    this.#worker.postMessage([this.#id, Math.max(0, delayMs)]);
  }

  cancel(): void {
    this.#callback = null;
    this.#id += 1;
    this.#worker.postMessage([this.#id, -1]);
  }

  dispose(): void {
    this.cancel();
    this.#worker.terminate();
    URL.revokeObjectURL(this.#url);
  }
}

class TimeoutTimer implements FrameTimer {
  #timer: ReturnType<typeof setTimeout> | null = null;

  schedule(delayMs: number, callback: () => void): void {
    this.cancel();
    this.#timer = setTimeout(callback, Math.max(0, delayMs));
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  dispose(): void {
    this.cancel();
  }
}
