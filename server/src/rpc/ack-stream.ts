import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import { DomainError } from "./errors.ts";

/**
 * A bounded outbox in front of a server stream. Messages are sent one at a
 * time; a reader too slow to keep up (more than `capacity` messages waiting)
 * fails the stream with RESOURCE_EXHAUSTED instead of making the server
 * buffer without limit.
 */
export class BoundedStreamWriter<T> {
  private readonly queue: T[] = [];
  private sending = false;
  /** Set once the stream should end: null for OK, else the error to end with. */
  private ending: { error: DomainError | null } | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly out: RpcInputStream<T>,
    private readonly capacity: number,
  ) {}

  /** Queues a message; fails the stream when the queue is full. */
  push(message: T): void {
    if (this.ending) return;
    if (this.queue.length >= this.capacity) {
      this.queue.length = 0;
      this.end(new DomainError("RESOURCE_EXHAUSTED", `the client reads this stream too slowly: ${this.capacity} messages waiting`));
      return;
    }
    this.queue.push(message);
    void this.pump();
  }

  /** Ends the stream once the queued messages are sent: OK without `error`. First call wins. */
  end(error?: DomainError): void {
    if (!this.ending) this.ending = { error: error ?? null };
    this.wake?.();
  }

  /**
   * Runs until the client goes away (`signal` aborts) or `end` was called and
   * the queue is flushed; then resolves, or rejects with the end's error.
   */
  async run(signal: AbortSignal): Promise<void> {
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    while (!signal.aborted) {
      if (this.ending && this.queue.length === 0 && !this.sending) {
        if (this.ending.error) throw this.ending.error;
        return;
      }
      await Promise.race([aborted, new Promise<void>((resolve) => (this.wake = resolve))]);
    }
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) await this.out.send(this.queue.shift()!);
    } finally {
      this.sending = false;
      this.wake?.();
    }
  }
}

/** An AbortSignal that fires when the client cancels the call (or has already). */
export function cancelSignalOf(context: Pick<ServerCallContext, "cancelled" | "onCancel">): AbortSignal {
  const controller = new AbortController();
  if (context.cancelled) controller.abort();
  else context.onCancel(() => controller.abort());
  return controller.signal;
}
