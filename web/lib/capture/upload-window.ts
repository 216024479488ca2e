/**
 * The client's upload window: how many frames may be between "captured" and
 * "the server answered UploadFrame" at once.
 *
 * A frame that finds the window full is dropped and counted by the caller,
 * never queued: a queue would only add latency to every later frame.
 */

/** The most uploads the page keeps in flight, whatever the server allows. */
export const CLIENT_MAX_IN_FLIGHT = 2;

/** The effective window: min(2, the server's max_in_flight); 0 from the server means "not set". */
export function windowSize(serverMaxInFlight: number | undefined): number {
  if (!serverMaxInFlight || serverMaxInFlight < 1) return CLIENT_MAX_IN_FLIGHT;
  return Math.min(CLIENT_MAX_IN_FLIGHT, Math.floor(serverMaxInFlight));
}

/** A counting semaphore that never waits: {@link tryAcquire} either gets a slot or says no. */
export class UploadWindow {
  #limit: number;
  #inFlight = 0;

  /** Creates an empty window of `limit` slots (at least 1). */
  constructor(limit: number = CLIENT_MAX_IN_FLIGHT) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /** Slots taken now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Slots in total. */
  get limit(): number {
    return this.#limit;
  }

  /** True when no slot is free. */
  get full(): boolean {
    return this.#inFlight >= this.#limit;
  }

  /** Takes a slot if one is free; returns false (and takes nothing) when full. */
  tryAcquire(): boolean {
    if (this.full) return false;
    this.#inFlight += 1;
    return true;
  }

  /** Frees a slot taken by {@link tryAcquire}. */
  release(): void {
    if (this.#inFlight === 0) throw new Error("UploadWindow.release() without a matching tryAcquire()");
    this.#inFlight -= 1;
  }

  /**
   * Changes the size (a new session may bring other limits). Slots already
   * taken stay taken; a smaller window is simply full until enough are released.
   */
  setLimit(limit: number): void {
    this.#limit = Math.max(1, Math.floor(limit));
  }
}
