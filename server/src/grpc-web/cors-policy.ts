/**
 * CORS for the gRPC-Web endpoint: which origins may call, which request
 * headers browsers may send, and which response headers scripts may read.
 */
import type { OutgoingHttpHeaders } from "node:http";

/**
 * Request headers the gRPC-Web clients send (protobuf-ts GrpcWebFetchTransport,
 * connect-es createGrpcWebTransport, the official grpc-web client) plus our own.
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  "content-type",
  "x-grpc-web",
  "x-user-agent",
  "grpc-timeout",
  "grpc-encoding",
  "grpc-accept-encoding",
  "connect-protocol-version",
  "connect-timeout-ms",
  "authorization",
  "x-session-id",
];

/** Response headers browsers may read: the status (trailers-only) and our session header. */
export const CORS_EXPOSED_HEADERS: readonly string[] = [
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "x-session-id",
];

/** How long a browser may cache a preflight answer, in seconds (Chromium caps it at 7200). */
export const CORS_MAX_AGE_SECONDS = 7200;

/**
 * The verdict on a request's Origin: `none` when the request carries no Origin
 * (not a cross-origin browser call), otherwise allowed or denied.
 */
export type OriginVerdict = "none" | "allowed" | "denied";

/** A CORS policy for one endpoint; see {@link createCorsPolicy}. */
export interface CorsPolicy {
  /** Judges the Origin request header. */
  check(origin: string | undefined): OriginVerdict;
  /** Headers for a successful preflight (204) from an allowed origin. */
  preflightHeaders(origin: string): OutgoingHttpHeaders;
  /** Headers for an actual response; empty when the request had no Origin. */
  responseHeaders(origin: string | undefined): OutgoingHttpHeaders;
}

/** Options of {@link createCorsPolicy}. */
export interface CorsPolicyOptions {
  /** Exact origins (scheme://host[:port]) allowed to call, or "*" for any. */
  allowedOrigins: readonly string[] | "*";
  /** Extra request headers to allow besides {@link CORS_ALLOWED_HEADERS}. */
  extraAllowedHeaders?: readonly string[];
  /** Extra response headers to expose besides {@link CORS_EXPOSED_HEADERS}. */
  extraExposedHeaders?: readonly string[];
}

/**
 * Creates a CORS policy. The allowed origin is echoed (never "*") with
 * `Vary: Origin`, so responses stay correct behind caches and with credentials.
 */
export function createCorsPolicy(options: CorsPolicyOptions): CorsPolicy {
  const origins = options.allowedOrigins === "*" ? "*" : new Set(options.allowedOrigins.map(normalizeOrigin));
  const allowHeaders = [...CORS_ALLOWED_HEADERS, ...(options.extraAllowedHeaders ?? [])].join(", ");
  const exposeHeaders = [...CORS_EXPOSED_HEADERS, ...(options.extraExposedHeaders ?? [])].join(", ");
  return {
    check(origin) {
      if (origin === undefined) return "none";
      return origins === "*" || origins.has(normalizeOrigin(origin)) ? "allowed" : "denied";
    },
    preflightHeaders(origin) {
      return {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": allowHeaders,
        "access-control-max-age": String(CORS_MAX_AGE_SECONDS),
        vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
      };
    },
    responseHeaders(origin) {
      if (origin === undefined) return {};
      return {
        "access-control-allow-origin": origin,
        "access-control-expose-headers": exposeHeaders,
        vary: "Origin",
      };
    },
  };
}

function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, "").toLowerCase();
}
