import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";
import type { RpcOptions } from "@protobuf-ts/runtime-rpc";

/** The header that carries the capture session id, so a proxy can keep a session on one replica. */
export const SESSION_HEADER = "x-session-id";

/**
 * The one gRPC-Web transport factory of the app.
 *
 * Binary framing: the default "text" format base64-encodes every message,
 * which costs a third more bytes on each JPEG upload.
 */
export function createTransport(baseUrl: string): GrpcWebFetchTransport {
  return new GrpcWebFetchTransport({ baseUrl, format: "binary" });
}

/**
 * Call options carrying the session id header (when there is one) and an
 * optional abort signal.
 */
export function callOptions(sessionId: string | null | undefined, abort?: AbortSignal): RpcOptions {
  const options: RpcOptions = {};
  if (sessionId) options.meta = { [SESSION_HEADER]: sessionId };
  if (abort) options.abort = abort;
  return options;
}
