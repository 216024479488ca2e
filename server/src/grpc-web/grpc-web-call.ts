/**
 * One gRPC-Web call bridged to one upstream HTTP/2 gRPC stream: the request
 * body streams up (base64-decoded for the text format), response DATA streams
 * down as it arrives, and the upstream trailers become the 0x80 trailer frame.
 * Every way a call can end goes through one `finish`, so a response is never
 * left hanging or half-written.
 *
 * The upstream stream is opened only once the body's first frame header has
 * arrived and is valid: a body that is malformed from its first byte, or never
 * comes, costs the upstream nothing (and no reset). A call on which nothing
 * moves for the idle timeout is ended, like Envoy's stream_idle_timeout.
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
import { closeAfterAnswer } from "./client-connection.ts";
import type { GrpcWebLogger } from "./grpc-web-logger.ts";
import { GrpcCode, statusForBrokenStream, statusForHttpResponse, type ProxyStatus } from "./grpc-web-status.ts";
import type { UpstreamSessions } from "./upstream-session.ts";

/** Everything one call needs; built by the endpoint's request handler. */
export interface GrpcWebCallOptions {
  req: IncomingMessage;
  res: ServerResponse;
  /** The upstream sessions of this client's connection. */
  upstream: UpstreamSessions;
  /** The request body is base64 (`application/grpc-web-text`). */
  textRequest: boolean;
  /** Answer in base64 (`application/grpc-web-text+proto`). */
  textResponse: boolean;
  /** CORS headers for the response (empty without an Origin). */
  cors: OutgoingHttpHeaders;
  /** Cap on the decoded request body, in bytes. */
  maxRequestBytes: number;
  /** The call ends when nothing is received or sent for this long, ms. */
  idleTimeoutMs: number;
  /** Told when the endpoint refuses the call as malformed or cancels it upstream. */
  onBadCall(): void;
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
  let bodyEnded = false;
  let stream: ClientHttp2Stream | undefined;
  /** Body bytes that arrived before the first frame header was complete. */
  const held: Buffer[] = [];
  const idle = setTimeout(() => onIdle(), o.idleTimeoutMs);
  idle.unref();

  /** Ends the call with a trailer frame; `closing` also ends the connection (the rest of the body is not read). */
  const finish = (fields: TrailerField[], closing = false): void => {
    if (finished) return;
    finished = true;
    clearTimeout(idle);
    if (closing) closeAfterAnswer(req, new Promise((resolve) => res.once("finish", () => resolve())));
    else req.resume(); // discard whatever is left of the request body
    if (res.destroyed) return;
    if (!res.headersSent) res.writeHead(200, toWebResponseHeaders(undefined, contentType, o.cors));
    res.end(encode(encodeTrailerFrame(fields)));
  };
  const finishWithStatus = (status: ProxyStatus, closing = false): void =>
    finish(
      [
        ["grpc-status", [String(status.code)]],
        ["grpc-message", [percentEncodeGrpcMessage(status.message)]],
      ],
      closing,
    );
  const cancelUpstream = (): boolean => {
    if (!stream || stream.closed) return false;
    stream.close(http2.constants.NGHTTP2_CANCEL);
    return true;
  };
  const refuse = (status: ProxyStatus, closing = false): void => {
    cancelUpstream();
    logger.debug?.({ path: req.url, code: status.code }, status.message);
    finishWithStatus(status, closing);
    o.onBadCall();
  };
  const onIdle = (): void => {
    cancelUpstream();
    const seconds = o.idleTimeoutMs / 1000;
    logger.debug?.({ path: req.url, bodyEnded }, "grpc-web call idle, ended");
    // Without the rest of the body the connection cannot carry another request.
    finishWithStatus({ code: GrpcCode.UNAVAILABLE, message: `nothing was sent or received on this call for ${seconds} s (stream idle timeout)` }, !bodyEnded);
  };

  req.on("error", () => {}); // an aborted upload; res "close" below handles it
  res.on("error", () => {});
  res.on("close", () => {
    if (res.writableFinished || finished) return;
    // The client went away (fetch aborted, tab closed): cancel the upstream call.
    finished = true;
    clearTimeout(idle);
    if (cancelUpstream()) o.onBadCall();
  });

  const send = (bytes: Buffer): void => {
    if (!stream!.write(bytes)) {
      req.pause();
      stream!.once("drain", () => req.resume());
    }
  };
  const decoder = o.textRequest ? new Base64StreamDecoder() : undefined;
  const scanner = new RequestFrameScanner(o.maxRequestBytes);
  req.on("data", (chunk: Buffer) => {
    if (finished) return;
    idle.refresh();
    const bytes = decoder ? decoder.push(chunk) : chunk;
    if (!bytes) return refuse(BAD_BASE64);
    const problem = scanner.push(bytes);
    // An oversized body is not read to its end: the connection is closed after the answer.
    if (problem) return refuse(REQUEST_PROBLEMS[problem], problem === "too-large");
    if (bytes.length === 0) return;
    if (stream) return send(bytes);
    held.push(bytes);
    if (scanner.framesStarted === 0) return;
    if (open()) send(Buffer.concat(held.splice(0)));
  });
  req.on("end", () => {
    bodyEnded = true;
    if (finished) return;
    if (decoder && !decoder.end()) return refuse(BAD_BASE64);
    const problem = scanner.end();
    if (problem) return refuse(REQUEST_PROBLEMS[problem]);
    if (!stream && !open()) return;
    if (held.length > 0) send(Buffer.concat(held.splice(0)));
    stream!.end();
  });

  function open(): boolean {
    try {
      stream = o.upstream.get().request(toUpstreamHeaders(req, o.upstream.url));
    } catch (error) {
      logger.warn({ err: error, path: req.url }, "grpc-web could not start upstream call");
      finishWithStatus({ code: GrpcCode.INTERNAL, message: `could not start upstream call: ${(error as Error).message}` });
      return false;
    }
    relayAnswer(stream);
    return true;
  }

  function relayAnswer(upstream: ClientHttp2Stream): void {
    let responseHeaders: IncomingHttpHeaders | undefined;
    let trailersOnly = false;
    let notGrpc: ProxyStatus | undefined;
    let trailers: IncomingHttpHeaders | undefined;
    let upstreamError: Error | undefined;
    upstream.on("response", (headers, flags) => {
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
    upstream.on("data", (chunk: Buffer) => {
      if (finished || notGrpc || trailersOnly) return;
      idle.refresh();
      if (!res.write(encode(chunk))) {
        upstream.pause();
        res.once("drain", () => upstream.resume());
      }
    });
    upstream.on("trailers", (headers) => {
      trailers = headers;
    });
    upstream.on("error", (error) => {
      upstreamError = error;
    });
    upstream.on("close", () => {
      if (finished) return;
      if (trailersOnly && responseHeaders) return finish(metadataFields(responseHeaders));
      if (notGrpc) return finishWithStatus(notGrpc);
      if (trailers?.["grpc-status"] !== undefined) return finish(metadataFields(trailers));
      const status = statusForBrokenStream(upstream.rstCode, upstreamError, responseHeaders !== undefined);
      logger.warn({ path: req.url, rstCode: upstream.rstCode, err: upstreamError, code: status.code }, "grpc-web upstream call broke");
      finishWithStatus(status);
    });
  }
}
