/**
 * One gRPC-Web call bridged to one upstream HTTP/2 gRPC stream: the request
 * body streams up (base64-decoded for the text format), response DATA streams
 * down as it arrives, and the upstream trailers become the 0x80 trailer frame.
 * Every way a call can end goes through one `finish`, so a response is never
 * left hanging or half-written.
 */
import http2 from "node:http2";
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { ClientHttp2Stream } from "node:http2";
import {
  Base64StreamDecoder,
  RequestFrameScanner,
  encodeTrailerFrame,
  percentEncodeGrpcMessage,
  type FrameScanError,
  type TrailerField,
} from "./grpc-web-frames.ts";
import { CONTENT_TYPE_BINARY, CONTENT_TYPE_TEXT, mediaType, metadataFields, toUpstreamHeaders, toWebResponseHeaders } from "./grpc-web-headers.ts";
import type { GrpcWebLogger } from "./grpc-web-logger.ts";
import { GrpcCode, statusForBrokenStream, statusForHttpResponse, type ProxyStatus } from "./grpc-web-status.ts";
import type { UpstreamSessions } from "./upstream-session.ts";

/** Everything one call needs; built by the proxy's request handler. */
export interface GrpcWebCallOptions {
  req: IncomingMessage;
  res: ServerResponse;
  sessions: UpstreamSessions;
  /** The request body is base64 (`application/grpc-web-text`). */
  textRequest: boolean;
  /** Answer in base64 (`application/grpc-web-text+proto`). */
  textResponse: boolean;
  /** CORS headers for the response (empty without an Origin). */
  cors: OutgoingHttpHeaders;
  /** Cap on the decoded request body, in bytes. */
  maxRequestBytes: number;
  logger: GrpcWebLogger;
}

const REQUEST_PROBLEMS: Record<FrameScanError, ProxyStatus> = {
  "bad-flags": { code: GrpcCode.INTERNAL, message: "malformed gRPC-Web request: unexpected frame flags" },
  truncated: { code: GrpcCode.INTERNAL, message: "malformed gRPC-Web request: body ends inside a frame" },
  "too-large": { code: GrpcCode.RESOURCE_EXHAUSTED, message: "gRPC-Web request body exceeds the size limit" },
};
const BAD_BASE64: ProxyStatus = { code: GrpcCode.INTERNAL, message: "malformed gRPC-Web request: invalid base64 body" };

/** Bridges one gRPC-Web request to the upstream gRPC server and streams the answer back. */
export function bridgeGrpcWebCall(o: GrpcWebCallOptions): void {
  const { req, res, logger } = o;
  const contentType = o.textResponse ? CONTENT_TYPE_TEXT : CONTENT_TYPE_BINARY;
  // Each chunk is encoded on its own, padding included, as Envoy does; clients decode 4-character groups.
  const encode = o.textResponse ? (bytes: Buffer) => Buffer.from(bytes.toString("base64"), "latin1") : (bytes: Buffer) => bytes;
  let finished = false;
  let responseHeaders: IncomingHttpHeaders | undefined;
  let trailersOnly = false;
  let notGrpc: ProxyStatus | undefined;
  let trailers: IncomingHttpHeaders | undefined;
  let upstreamError: Error | undefined;

  const finish = (fields: TrailerField[]): void => {
    if (finished) return;
    finished = true;
    req.resume(); // discard whatever is left of the request body
    if (res.destroyed) return;
    if (!res.headersSent) res.writeHead(200, toWebResponseHeaders(undefined, contentType, o.cors));
    res.end(encode(encodeTrailerFrame(fields)));
  };
  const finishWithStatus = (status: ProxyStatus): void =>
    finish([
      ["grpc-status", [String(status.code)]],
      ["grpc-message", [percentEncodeGrpcMessage(status.message)]],
    ]);

  req.on("error", () => {}); // an aborted upload; res "close" below handles it
  res.on("error", () => {});

  let stream: ClientHttp2Stream;
  try {
    stream = o.sessions.get().request(toUpstreamHeaders(req, o.sessions.url));
  } catch (error) {
    logger.warn({ err: error, path: req.url }, "grpc-web could not start upstream call");
    finishWithStatus({ code: GrpcCode.INTERNAL, message: `could not start upstream call: ${(error as Error).message}` });
    return;
  }
  const refuse = (status: ProxyStatus): void => {
    if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
    logger.debug?.({ path: req.url, code: status.code }, status.message);
    finishWithStatus(status);
  };

  res.on("close", () => {
    if (res.writableFinished) return;
    // The browser went away (fetch aborted, tab closed): cancel the upstream call.
    finished = true;
    if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
  });

  const decoder = o.textRequest ? new Base64StreamDecoder() : undefined;
  const scanner = new RequestFrameScanner(o.maxRequestBytes);
  req.on("data", (chunk: Buffer) => {
    if (finished) return;
    const bytes = decoder ? decoder.push(chunk) : chunk;
    if (!bytes) return refuse(BAD_BASE64);
    const problem = scanner.push(bytes);
    if (problem) return refuse(REQUEST_PROBLEMS[problem]);
    if (bytes.length > 0 && !stream.write(bytes)) {
      req.pause();
      stream.once("drain", () => req.resume());
    }
  });
  req.on("end", () => {
    if (finished) return;
    if (decoder && !decoder.end()) return refuse(BAD_BASE64);
    const problem = scanner.end();
    if (problem) return refuse(REQUEST_PROBLEMS[problem]);
    stream.end();
  });

  stream.on("response", (headers, flags) => {
    if (finished) return;
    responseHeaders = headers;
    if (headers["grpc-status"] !== undefined || (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0) {
      trailersOnly = true; // answered in "close", once the stream is done
      return;
    }
    const status = Number(headers[":status"]);
    if (status !== 200 || !mediaType(headers["content-type"]).startsWith("application/grpc")) {
      notGrpc = statusForHttpResponse(status);
      return;
    }
    res.writeHead(200, toWebResponseHeaders(headers, contentType, o.cors));
    // Browsers see response metadata before the first message, as with Envoy.
    res.flushHeaders();
  });
  stream.on("data", (chunk: Buffer) => {
    if (finished || notGrpc || trailersOnly) return;
    if (!res.write(encode(chunk))) {
      stream.pause();
      res.once("drain", () => stream.resume());
    }
  });
  stream.on("trailers", (headers) => {
    trailers = headers;
  });
  stream.on("error", (error) => {
    upstreamError = error;
  });
  stream.on("close", () => {
    if (finished) return;
    if (trailersOnly && responseHeaders) return finish(metadataFields(responseHeaders));
    if (notGrpc) return finishWithStatus(notGrpc);
    if (trailers?.["grpc-status"] !== undefined) return finish(metadataFields(trailers));
    const status = statusForBrokenStream(stream.rstCode, upstreamError, responseHeaders !== undefined);
    logger.warn({ path: req.url, rstCode: stream.rstCode, err: upstreamError, code: status.code }, "grpc-web upstream call broke");
    finishWithStatus(status);
  });
}
