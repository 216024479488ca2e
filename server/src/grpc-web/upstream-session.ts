/**
 * The HTTP/2 connections to the upstream gRPC server: one per client
 * connection, so that one client's calls never share fate with another's.
 * A client that makes the upstream end its session (e.g. grpc-js's
 * rapid-reset guard answers about 1,000 stream resets in a burst with
 * GOAWAY(INTERNAL_ERROR), which ends every call on that session) ends only its
 * own calls. A session is replaced on the next call when it closes, errors
 * or receives GOAWAY, and closed when its client connection closes.
 */
import http2 from "node:http2";
import type { ClientHttp2Session } from "node:http2";
import type { GrpcWebLogger } from "./grpc-web-logger.ts";

/** Hands out the current upstream session of one client connection, connecting on demand. */
export interface UpstreamSessions {
  /** The parsed upstream URL. */
  readonly url: URL;
  /** The live session, or a new one when the previous one is gone or draining. */
  get(): ClientHttp2Session;
  /** Closes the current session (in-flight streams may finish) and stops reconnecting. */
  close(): void;
}

/** The upstream sessions of every client connection. */
export interface UpstreamPool {
  readonly url: URL;
  /**
   * The sessions of the client connection `connection` (an HTTP/1.1 socket or
   * an HTTP/2 session), made on its first call and closed when it closes.
   */
  forClient(connection: NodeJS.EventEmitter): UpstreamSessions;
  /** Upstream sessions open now (for tests and metrics). */
  readonly openSessions: number;
  /** Closes every session and refuses new ones. */
  close(): void;
}

/**
 * Creates the pool for an upstream such as "http://127.0.0.1:50051" (h2c).
 * Connection failures are not thrown: they surface on the streams of the
 * failed session, which the call bridge turns into UNAVAILABLE.
 */
export function createUpstreamPool(upstream: string, logger: GrpcWebLogger): UpstreamPool {
  const url = new URL(upstream);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`grpc-web upstream must be an http:// (h2c) or https:// URL, got ${upstream}`);
  }
  const byClient = new WeakMap<NodeJS.EventEmitter, UpstreamSessions>();
  const live = new Set<UpstreamSessions>();
  let open = 0;
  let closed = false;

  const connect = (): ClientHttp2Session => {
    const session = http2.connect(url);
    open++;
    // The client's connection keeps the process alive while calls run; an idle upstream session alone must not.
    session.unref();
    session.on("error", (error) => logger.warn({ err: error, upstream }, "grpc-web upstream session error"));
    session.once("close", () => open--);
    return session;
  };

  return {
    url,
    get openSessions() {
      return open;
    },
    forClient(connection) {
      if (closed) throw new Error("grpc-web upstream sessions are closed");
      const known = byClient.get(connection);
      if (known) return known;
      const sessions = createSessionHolder(url, connect);
      byClient.set(connection, sessions);
      live.add(sessions);
      connection.once("close", () => {
        live.delete(sessions);
        sessions.close();
      });
      return sessions;
    },
    close() {
      closed = true;
      for (const sessions of live) sessions.close();
      live.clear();
    },
  };
}

function createSessionHolder(url: URL, connect: () => ClientHttp2Session): UpstreamSessions {
  let current: ClientHttp2Session | undefined;
  let closed = false;
  const forget = (session: ClientHttp2Session): void => {
    if (current === session) current = undefined;
  };
  return {
    url,
    get() {
      if (closed) throw new Error("the client connection is closed");
      if (current && !current.closed && !current.destroyed) return current;
      const session = connect();
      current = session;
      session.on("error", () => forget(session));
      session.on("goaway", () => forget(session));
      session.on("close", () => forget(session));
      return session;
    },
    close() {
      closed = true;
      current?.close();
      current = undefined;
    },
  };
}
