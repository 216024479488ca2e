/**
 * The built-in gRPC-Web endpoint: an HTTP/1.1 server that translates
 * gRPC-Web to native gRPC over HTTP/2, like Envoy's envoy.filters.http.grpc_web
 * filter (with its CORS filter) in front of the gRPC server. It is a generic
 * protocol translator and knows nothing about our services.
 *
 * The request handler ({@link createGrpcWebHandler}) serves any listener
 * (HTTP/1.1, or HTTP/2 through node:http2's compatibility API); each client
 * connection gets its own upstream HTTP/2 session, and a connection that makes
 * too many bad calls (refused as malformed, or cancelled) is closed.
 */
import http from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { connectionOf, ConnectionStrikes, dropConnection, type StrikeBudget } from "./client-connection.ts";
import { createCorsPolicy, type CorsPolicy } from "./cors-policy.ts";
import { bridgeGrpcWebCall } from "./grpc-web-call.ts";
import { GRPC_WEB_CONTENT_TYPES, isTextContentType, mediaType } from "./grpc-web-headers.ts";
import { silentLogger, type GrpcWebLogger } from "./grpc-web-logger.ts";
import { createUpstreamPool, type UpstreamPool } from "./upstream-session.ts";

/** gRPC's default cap on a received message (4 MiB) plus one frame header. */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024 + 5;

/** Envoy's stream_idle_timeout in our envoy.yaml: a call on which nothing moves for 60 s is ended. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 60_000;

/**
 * Bad calls (refused as malformed, or cancelled upstream) a client connection
 * may make: 100 at once, then 10 a second. grpc-js (nghttp2) ends an HTTP/2
 * session after about 1,000 resets in a burst (refilling 33 a second); each
 * client connection has its own upstream session, and stays well below that.
 */
export const DEFAULT_BAD_CALL_BUDGET: StrikeBudget = { burst: 100, perSecond: 10 };

/** Options of {@link createGrpcWebProxy}. */
export interface GrpcWebProxyOptions {
  /** The native gRPC server, e.g. "http://127.0.0.1:50051" (HTTP/2 cleartext). */
  upstream: string;
  /** Origins allowed to call from a browser (exact scheme://host[:port]), or "*". */
  allowedOrigins: readonly string[] | "*";
  /** Where handled failures are reported; silent by default. */
  logger?: GrpcWebLogger;
  /** Cap on a decoded request body in bytes; larger bodies get RESOURCE_EXHAUSTED. */
  maxRequestBytes?: number;
  /** Request headers browsers may send besides the built-in list. */
  extraAllowedHeaders?: readonly string[];
  /** Response headers browsers may read besides the built-in list and response metadata. */
  extraExposedHeaders?: readonly string[];
  /** A call on which nothing is received or sent for this long (ms) is ended; 60 s by default. */
  streamIdleTimeoutMs?: number;
  /** Bad calls a client connection may make before it is closed. */
  badCallBudget?: StrikeBudget;
}

/** The endpoint's request handler, for any HTTP server's "request" event. */
export interface GrpcWebHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The upstream sessions, one per client connection with calls. */
  readonly upstream: UpstreamPool;
  /** Closes every upstream session. */
  close(): void;
}

interface ProxyContext {
  cors: CorsPolicy;
  upstream: UpstreamPool;
  strikes: ConnectionStrikes;
  maxRequestBytes: number;
  idleTimeoutMs: number;
  logger: GrpcWebLogger;
}

/**
 * Creates the gRPC-Web request handler. Another listener (e.g. an https
 * server that also serves the pages) passes it the requests it routes here.
 */
export function createGrpcWebHandler(options: GrpcWebProxyOptions): GrpcWebHandler {
  const logger = options.logger ?? silentLogger;
  const context: ProxyContext = {
    cors: createCorsPolicy(options),
    logger,
    upstream: createUpstreamPool(options.upstream, logger),
    strikes: new ConnectionStrikes(options.badCallBudget ?? DEFAULT_BAD_CALL_BUDGET),
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    idleTimeoutMs: options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => handleRequest(req, res, context);
  return Object.assign(handler, { upstream: context.upstream, close: () => context.upstream.close() });
}

/**
 * Creates the gRPC-Web endpoint as an `http.Server` that is not yet
 * listening; the caller calls `listen`. Closing the server also closes the
 * upstream HTTP/2 sessions.
 */
export function createGrpcWebProxy(options: GrpcWebProxyOptions): http.Server {
  const handler = createGrpcWebHandler(options);
  const server = http.createServer(handler);
  server.on("close", () => handler.close());
  return server;
}

function handleRequest(req: IncomingMessage, res: ServerResponse, context: ProxyContext): void {
  const origin = req.headers.origin;
  const verdict = context.cors.check(origin);
  if (verdict === "denied") {
    // No CORS headers: the browser reports a CORS failure, and nothing reaches upstream.
    return sendPlain(req, res, 403, {}, "origin not allowed");
  }
  if (req.method === "OPTIONS") {
    const preflight = origin !== undefined && req.headers["access-control-request-method"] !== undefined;
    res.writeHead(204, preflight ? context.cors.preflightHeaders(origin) : { allow: "POST, OPTIONS" });
    res.end();
    return;
  }
  const cors = context.cors.responseHeaders(verdict === "allowed" ? origin : undefined);
  if (req.method !== "POST") {
    return sendPlain(req, res, 405, { ...cors, allow: "POST, OPTIONS" }, "gRPC-Web calls use POST");
  }
  const contentType = mediaType(req.headers["content-type"]);
  if (!GRPC_WEB_CONTENT_TYPES.has(contentType)) {
    return sendPlain(req, res, 415, { ...cors, "accept-post": [...GRPC_WEB_CONTENT_TYPES].join(", ") }, "expected a gRPC-Web content type");
  }
  if (!req.url?.startsWith("/")) {
    return sendPlain(req, res, 400, cors, "expected a path /package.Service/Method");
  }
  const textRequest = isTextContentType(contentType);
  bridgeGrpcWebCall({
    req,
    res,
    upstream: context.upstream.forClient(connectionOf(req)),
    textRequest,
    // Envoy answers in text when Accept asks for it; a text request implies it too.
    textResponse: textRequest || (req.headers.accept ?? "").includes("application/grpc-web-text"),
    cors,
    maxRequestBytes: context.maxRequestBytes,
    idleTimeoutMs: context.idleTimeoutMs,
    onBadCall: () => {
      if (context.strikes.strike(req, Date.now())) return;
      context.logger.warn({ peer: req.socket.remoteAddress }, "grpc-web client connection closed: too many refused or cancelled calls");
      dropConnection(req);
    },
    logger: context.logger,
  });
}

function sendPlain(req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, text: string): void {
  req.on("error", () => {});
  req.resume();
  res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}
