/**
 * gRPC status codes the proxy produces itself, and the standard mappings from
 * HTTP/2 resets and non-gRPC HTTP responses to them.
 * See https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md and
 * https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md
 */
import http2 from "node:http2";

/** The gRPC status codes used by the proxy (numeric values from the gRPC spec). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status the proxy answers with when upstream did not give one. */
export interface ProxyStatus {
  code: number;
  message: string;
}

const {
  NGHTTP2_NO_ERROR,
  NGHTTP2_REFUSED_STREAM,
  NGHTTP2_CANCEL,
  NGHTTP2_ENHANCE_YOUR_CALM,
  NGHTTP2_INADEQUATE_SECURITY,
} = http2.constants;

/**
 * Maps how an upstream stream ended without trailers to a status.
 * Before response headers every failure means the upstream could not take the
 * call, which Envoy reports as UNAVAILABLE; afterwards the RST_STREAM code
 * decides, as gRPC clients do.
 */
export function statusForBrokenStream(rstCode: number | undefined, error: Error | undefined, gotHeaders: boolean): ProxyStatus {
  const reason = describeError(error);
  if (!gotHeaders || rstCode === NGHTTP2_REFUSED_STREAM) {
    return { code: GrpcCode.UNAVAILABLE, message: `upstream unavailable${reason}` };
  }
  switch (rstCode) {
    case NGHTTP2_CANCEL:
      return { code: GrpcCode.CANCELLED, message: "upstream cancelled the call" };
    case NGHTTP2_ENHANCE_YOUR_CALM:
      return { code: GrpcCode.RESOURCE_EXHAUSTED, message: "upstream asked to slow down (ENHANCE_YOUR_CALM)" };
    case NGHTTP2_INADEQUATE_SECURITY:
      return { code: GrpcCode.PERMISSION_DENIED, message: "upstream rejected the connection security" };
    case undefined:
    case NGHTTP2_NO_ERROR:
      return { code: GrpcCode.INTERNAL, message: `upstream ended the call without grpc-status${reason}` };
    default:
      return { code: GrpcCode.INTERNAL, message: `upstream reset the call (HTTP/2 error ${rstCode})${reason}` };
  }
}

/** Maps the HTTP status of a response that is not gRPC to a gRPC status. */
export function statusForHttpResponse(httpStatus: number): ProxyStatus {
  const message = `upstream answered HTTP ${httpStatus}, not gRPC`;
  switch (httpStatus) {
    case 400:
      return { code: GrpcCode.INTERNAL, message };
    case 401:
      return { code: GrpcCode.UNAUTHENTICATED, message };
    case 403:
      return { code: GrpcCode.PERMISSION_DENIED, message };
    case 404:
      return { code: GrpcCode.UNIMPLEMENTED, message };
    case 429:
    case 502:
    case 503:
    case 504:
      return { code: GrpcCode.UNAVAILABLE, message };
    default:
      return { code: GrpcCode.UNKNOWN, message };
  }
}

function describeError(error: Error | undefined): string {
  if (!error) return "";
  const cause = (error as { cause?: unknown }).cause;
  return `: ${(cause instanceof Error ? cause : error).message}`;
}
