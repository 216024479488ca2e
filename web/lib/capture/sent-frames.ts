/**
 * The frames this page uploaded and has no ack for yet, with the size each
 * was encoded at (the ack table shows it beside the size the server decoded).
 * Bounded: an ack that never comes cannot make it grow.
 */

/** Sizes of sent frames kept for matching their acks. */
export const SENT_FRAMES_LIMIT = 1_000;

/** A frame's encoded size. */
export interface SentSize {
  readonly width: number;
  readonly height: number;
}

/** Sent frames awaiting their acks, oldest first. */
export class SentFrames {
  readonly #sizes = new Map<number, SentSize>();

  constructor(private readonly limit = SENT_FRAMES_LIMIT) {}

  /** Frames sent and not acked (at most the limit). */
  get outstanding(): number {
    return this.#sizes.size;
  }

  /** Notes an uploaded frame; forgets the oldest beyond the limit. */
  sent(seq: number, width: number, height: number): void {
    this.#sizes.set(seq, { width, height });
    if (this.#sizes.size > this.limit) {
      const oldest = this.#sizes.keys().next();
      if (!oldest.done) this.#sizes.delete(oldest.value);
    }
  }

  /** The size `seq` was sent at, if this page sent it; the frame is no longer outstanding. */
  acked(seq: number): SentSize | undefined {
    const size = this.#sizes.get(seq);
    this.#sizes.delete(seq);
    return size;
  }

  /**
   * Resolves once every sent frame has its ack, after `timeoutMs` at the
   * latest, or when `signal` aborts: Stop waits here so the acks of frames
   * already uploaded still arrive.
   */
  async settled(timeoutMs: number, signal: AbortSignal, pollMs = 50): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#sizes.size > 0 && Date.now() < deadline && !signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
