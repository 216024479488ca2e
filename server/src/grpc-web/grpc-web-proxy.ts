/**
 * The built-in gRPC-Web endpoint: an HTTP/1.1 server that translates
 * gRPC-Web to native gRPC over HTTP/2, like Envoy's envoy.filters.http.grpc_web
 * filter (with its CORS filter) in front of the gRPC server. It is a generic
 * protocol translator and knows nothing about our services.
 */
import http from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { createCorsPolicy, type CorsPolicy } from "./cors-policy.ts";
import { bridgeGrpcWebCall } from "./grpc-web-call.ts";
import { GRPC_WEB_CONTENT_TYPES, isTextContentType, mediaType } from "./grpc-web-headers.ts";
import { silentLogger, type GrpcWebLogger } from "./grpc-web-logger.ts";
import { createUpstreamSessions, type UpstreamSessions } from "./upstream-session.ts";

/** gRPC's default cap on a received message (4 MiB) plus one frame header. */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024 + 5;

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
}

interface ProxyContext {
  cors: CorsPolicy;
  sessions: UpstreamSessions;
  maxRequestBytes: number;
  logger: GrpcWebLogger;
}

/** The endpoint's request handler, for a server that also serves other paths (the LAN https origin). */
export interface GrpcWebHandler {
  /** Answers one gRPC-Web request (or its CORS preflight). */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Closes the upstream HTTP/2 session(s). */
  close(): void;
}

/** Creates the gRPC-Web request handler; {@link createGrpcWebProxy} serves it alone on its own port. */
export function createGrpcWebHandler(options: GrpcWebProxyOptions): GrpcWebHandler {
  const context: ProxyContext = {
    cors: createCorsPolicy(options),
    logger: options.logger ?? silentLogger,
    sessions: createUpstreamSessions(options.upstream, options.logger ?? silentLogger),
    maxRequestBytes: options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
  };
  return { handle: (req, res) => handleRequest(req, res, context), close: () => context.sessions.close() };
}

/**
 * Creates the gRPC-Web endpoint as an `http.Server` that is not yet
 * listening; the caller calls `listen`. Closing the server also closes the
 * upstream HTTP/2 session.
 */
export function createGrpcWebProxy(options: GrpcWebProxyOptions): http.Server {
  const handler = createGrpcWebHandler(options);
  const server = http.createServer(handler.handle);
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
    sessions: context.sessions,
    textRequest,
    // Envoy answers in text when Accept asks for it; a text request implies it too.
    textResponse: textRequest || (req.headers.accept ?? "").includes("application/grpc-web-text"),
    cors,
    maxRequestBytes: context.maxRequestBytes,
    logger: context.logger,
  });
}

function sendPlain(req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, text: string): void {
  req.on("error", () => {});
  req.resume();
  res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8" });
  res.end(`${text}\n`);
}
