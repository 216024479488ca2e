import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import type { AccessControl } from "../access/access-control.ts";
import { BoundedStreamWriter, cancelSignalOf } from "./ack-stream.ts";
import { DomainError } from "./errors.ts";

/** Timing of a watch stream (WatchCounts, WatchArea). */
export interface WatchStreamTiming {
  /** At most one message per this many ms while what is watched changes. */
  readonly minIntervalMs: number;
  /** A full snapshot at least this often, so proxies see traffic and "online" ages out. */
  readonly heartbeatMs: number;
}

/** A message to send and whether it is a full snapshot (a heartbeat is due `heartbeatMs` after the last full one). */
export interface WatchMessage<T> {
  readonly message: T;
  readonly full: boolean;
}

/** What one watch stream sends and listens to. */
export interface WatchStreamOptions<T> {
  readonly responses: RpcInputStream<T>;
  readonly context: ServerCallContext;
  /** Checked at every heartbeat: a stream outlives the viewer token it was opened with only until the next beat. */
  readonly access: AccessControl;
  readonly timing: WatchStreamTiming;
  /** The message to send now (`fullDue`: a heartbeat's full snapshot is due), or the error to end the stream with. */
  compose(nowMs: number, fullDue: boolean): WatchMessage<T> | DomainError;
  /** Subscribes to changes, calling `changed` for each that should be sent; returns the unsubscribe function. */
  subscribe(changed: () => void): () => void;
}

/**
 * Runs one watch stream until the client cancels or it fails: a message at
 * once, then at most one every `minIntervalMs` while changes come, and a full
 * one every `heartbeatMs`. A snapshot is small and the newest one replaces the
 * rest, so 4 waiting means the reader is stuck (RESOURCE_EXHAUSTED).
 */
export async function runWatchStream<T>(options: WatchStreamOptions<T>): Promise<void> {
  const { access, context, timing } = options;
  const writer = new BoundedStreamWriter(options.responses, 4);
  let lastSent = 0;
  let lastFull = 0;
  let scheduled: NodeJS.Timeout | undefined;
  const send = (): void => {
    scheduled = undefined;
    const now = Date.now();
    const next = options.compose(now, now - lastFull >= timing.heartbeatMs);
    if (next instanceof DomainError) return writer.end(next);
    writer.push(next.message);
    lastSent = now;
    if (next.full) lastFull = now;
  };
  const unsubscribe = options.subscribe(() => {
    if (!scheduled) scheduled = setTimeout(send, Math.max(0, lastSent + timing.minIntervalMs - Date.now()));
  });
  const heartbeat = setInterval(() => {
    try {
      access.requireViewer(context.headers);
    } catch (err) {
      writer.end(err as DomainError);
      return;
    }
    if (Date.now() - lastFull >= timing.heartbeatMs) send();
  }, timing.heartbeatMs / 2);
  try {
    send();
    await writer.run(cancelSignalOf(context));
  } finally {
    unsubscribe();
    clearInterval(heartbeat);
    clearTimeout(scheduled);
  }
}
