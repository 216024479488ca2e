/**
 * What the endpoint knows and does about a client's connection, for HTTP/1.1
 * requests and for HTTP/2 ones (the compatibility API of `node:http2`, whose
 * `req.socket` is a per-stream proxy): which connection a request came on,
 * how to end it, and how many bad calls it may make.
 */
import http2 from "node:http2";
import type { IncomingMessage } from "node:http";
import type { Http2Session, Http2Stream } from "node:http2";
import type { Socket } from "node:net";
import { TokenBucket } from "../session/token-bucket.ts";

/** How long a closed HTTP/1.1 connection still holds its socket so the client can read the answer. */
const LINGER_MS = 1_000;

function http2StreamOf(req: IncomingMessage): Http2Stream | undefined {
  return (req as unknown as { stream?: Http2Stream }).stream;
}

/** The connection `req` came on: its HTTP/2 session, or its socket for HTTP/1.1. */
export function connectionOf(req: IncomingMessage): NodeJS.EventEmitter {
  return http2StreamOf(req)?.session ?? req.socket;
}

/**
 * Stops reading `req`'s body and ends what carries it once the answer is
 * written: for HTTP/1.1 the connection (read no more, send FIN, drop after a
 * second), for HTTP/2 only the stream. Call before writing the answer.
 */
export function closeAfterAnswer(req: IncomingMessage, finished: Promise<void>): void {
  const stream = http2StreamOf(req);
  req.pause();
  void finished.then(() => {
    if (stream) {
      if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
      return;
    }
    stopSocket(req.socket);
  });
}

/** Ends the whole client connection now (an abusive client): HTTP/2 with GOAWAY(ENHANCE_YOUR_CALM). */
export function dropConnection(req: IncomingMessage): void {
  const session: Http2Session | undefined = http2StreamOf(req)?.session;
  if (session) {
    if (session.destroyed) return;
    session.goaway(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    setTimeout(() => session.destroy(), LINGER_MS).unref();
    return;
  }
  stopSocket(req.socket);
}

function stopSocket(socket: Socket): void {
  if (socket.destroyed) return;
  socket.pause();
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/** How many bad calls a client connection may make: a burst, then a steady rate. */
export interface StrikeBudget {
  readonly burst: number;
  readonly perSecond: number;
}

/**
 * Counts each client connection's bad calls (refused as malformed, or
 * cancelled upstream) against its {@link StrikeBudget}.
 */
export class ConnectionStrikes {
  readonly #buckets = new WeakMap<NodeJS.EventEmitter, TokenBucket>();

  constructor(private readonly budget: StrikeBudget) {}

  /** Counts one bad call on `req`'s connection; false once the connection is over its budget. */
  strike(req: IncomingMessage, nowMs: number): boolean {
    const connection = connectionOf(req);
    let bucket = this.#buckets.get(connection);
    if (!bucket) {
      bucket = new TokenBucket(this.budget.perSecond, this.budget.burst);
      this.#buckets.set(connection, bucket);
    }
    return bucket.take(1, nowMs);
  }
}
