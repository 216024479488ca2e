/**
 * Header translation between the HTTP/1.1 gRPC-Web side and the HTTP/2 gRPC
 * side, following Envoy's grpc_web filter: request metadata passes through,
 * hop-by-hop headers do not.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { TrailerField } from "./grpc-web-frames.ts";

/** The four request content types of gRPC-Web with protobuf messages. */
export const GRPC_WEB_CONTENT_TYPES: ReadonlySet<string> = new Set([
  "application/grpc-web",
  "application/grpc-web+proto",
  "application/grpc-web-text",
  "application/grpc-web-text+proto",
]);

/** Response content type for the binary format. */
export const CONTENT_TYPE_BINARY = "application/grpc-web+proto";
/** Response content type for the text (base64) format. */
export const CONTENT_TYPE_TEXT = "application/grpc-web-text+proto";

// RFC 9110 §7.6.1 hop-by-hop headers, plus headers the HTTP/2 side sets itself.
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "http2-settings",
  "host",
  "content-length",
  "content-type",
]);

/** The media type of a Content-Type or Accept value, lower-cased, without parameters. */
export function mediaType(value: string | undefined): string {
  return (value ?? "").split(";")[0]!.trim().toLowerCase();
}

/** True when a request content type is base64 text (`application/grpc-web-text[+proto]`). */
export function isTextContentType(contentType: string): boolean {
  return contentType.startsWith("application/grpc-web-text");
}

/**
 * Builds the HTTP/2 request headers for the upstream gRPC call: the gRPC
 * pseudo-headers, `content-type: application/grpc`, `te: trailers`, and every
 * end-to-end request header (metadata such as x-session-id, grpc-timeout,
 * x-grpc-web, authorization).
 */
export function toUpstreamHeaders(req: IncomingMessage, upstream: URL): OutgoingHttpHeaders {
  const connectionListed = new Set(
    (req.headers.connection ?? "").split(",").map((name) => name.trim().toLowerCase()),
  );
  const out: OutgoingHttpHeaders = {
    ":method": "POST",
    ":scheme": upstream.protocol.replace(":", ""),
    ":path": req.url ?? "/",
    ":authority": req.headers.host ?? upstream.host,
    "content-type": "application/grpc",
    te: "trailers",
  };
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values === undefined || NOT_FORWARDED.has(name) || connectionListed.has(name)) continue;
    out[name] = values.length === 1 ? values[0] : values;
  }
  // Browsers cannot read compressed gRPC messages, so ask upstream not to compress (as Envoy does).
  out["grpc-accept-encoding"] = "identity";
  const peer = req.socket.remoteAddress;
  if (peer !== undefined) {
    const prior = req.headers["x-forwarded-for"];
    out["x-forwarded-for"] = prior ? `${prior}, ${peer}` : peer;
  }
  return out;
}

/** Upstream header fields worth passing on: no pseudo-headers, no hop-by-hop, no framing. */
export function metadataFields(headers: IncomingHttpHeaders): TrailerField[] {
  const fields: TrailerField[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(":") || NOT_FORWARDED.has(name)) continue;
    fields.push([name, Array.isArray(value) ? value : [value]]);
  }
  return fields;
}

/**
 * Builds the HTTP/1.1 response headers from upstream response headers: the
 * gRPC-Web content type, CORS headers, and the response metadata. Metadata
 * names are added to `access-control-expose-headers` so browser code can read
 * them.
 */
export function toWebResponseHeaders(
  upstream: IncomingHttpHeaders | undefined,
  contentType: string,
  cors: OutgoingHttpHeaders,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const fields = upstream ? metadataFields(upstream) : [];
  for (const [name, values] of fields) out[name] = values.length === 1 ? values[0] : [...values];
  Object.assign(out, cors, { "content-type": contentType });
  const exposed = cors["access-control-expose-headers"];
  if (typeof exposed === "string" && fields.length > 0) {
    const names = new Set(exposed.split(",").map((name) => name.trim()));
    for (const [name] of fields) names.add(name);
    out["access-control-expose-headers"] = [...names].join(", ");
  }
  return out;
}
