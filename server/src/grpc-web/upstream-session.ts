/**
 * The HTTP/2 connection to the upstream gRPC server: one session, shared by
 * all calls, replaced when it closes, errors or receives GOAWAY.
 */
import http2 from "node:http2";
import type { ClientHttp2Session } from "node:http2";
import type { GrpcWebLogger } from "./grpc-web-logger.ts";

/** Hands out the current upstream session, connecting on demand. */
export interface UpstreamSessions {
  /** The parsed upstream URL. */
  readonly url: URL;
  /** The live session, or a new one when the previous one is gone or draining. */
  get(): ClientHttp2Session;
  /** Closes the current session (in-flight streams may finish) and stops reconnecting. */
  close(): void;
}

/**
 * Creates the session holder for an upstream such as "http://127.0.0.1:50051"
 * (h2c). Connection failures are not thrown: they surface on the streams of
 * the failed session, which the call bridge turns into UNAVAILABLE.
 */
export function createUpstreamSessions(upstream: string, logger: GrpcWebLogger): UpstreamSessions {
  const url = new URL(upstream);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`grpc-web upstream must be an http:// (h2c) or https:// URL, got ${upstream}`);
  }
  let current: ClientHttp2Session | undefined;
  let closed = false;

  const forget = (session: ClientHttp2Session): void => {
    if (current === session) current = undefined;
  };

  return {
    url,
    get() {
      if (closed) throw new Error("grpc-web upstream sessions are closed");
      if (current && !current.closed && !current.destroyed) return current;
      const session = http2.connect(url);
      current = session;
      // The HTTP server's sockets keep the process alive while calls run; an
      // idle upstream session alone must not.
      session.unref();
      session.on("error", (error) => {
        forget(session);
        logger.warn({ err: error, upstream }, "grpc-web upstream session error");
      });
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
