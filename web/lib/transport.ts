import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";
import { RpcError } from "@protobuf-ts/runtime-rpc";
import type { RpcInterceptor, RpcOptions } from "@protobuf-ts/runtime-rpc";

/** The header that carries the capture session id, so a proxy can keep a session on one replica. */
export const SESSION_HEADER = "x-session-id";

/**
 * The one gRPC-Web transport factory of the app.
 *
 * Binary framing: the default "text" format base64-encodes every message,
 * which costs a third more bytes on each JPEG upload.
 */
export function createTransport(baseUrl: string, interceptors: RpcInterceptor[] = []): GrpcWebFetchTransport {
  return new GrpcWebFetchTransport({ baseUrl, format: "binary", interceptors });
}

/**
 * Call options carrying the session id header (when there is one), a
 * credential as `authorization: Bearer` (a pairing or session token), and an
 * optional abort signal.
 */
export function callOptions(sessionId: string | null | undefined, abort?: AbortSignal, bearer?: string | null): RpcOptions {
  const meta: Record<string, string> = {};
  if (sessionId) meta[SESSION_HEADER] = sessionId;
  if (bearer) meta["authorization"] = `Bearer ${bearer}`;
  const options: RpcOptions = {};
  if (Object.keys(meta).length > 0) options.meta = meta;
  if (abort) options.abort = abort;
  return options;
}

/** How long a unary call (OpenSession, UploadFrame, SetCountingLine) may take before it counts as failed. */
export const UNARY_DEADLINE_MS = 10_000;

/**
 * Runs a unary call with a deadline. fetch alone may wait minutes for a host
 * that drops packets; after `ms` the call is aborted and rejects with
 * DEADLINE_EXCEEDED. An abort of `outer` (Stop) aborts the call as well.
 */
export async function withDeadline<T>(
  ms: number,
  outer: AbortSignal | undefined,
  start: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ms);
  const onOuterAbort = (): void => controller.abort();
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  try {
    return await start(controller.signal);
  } catch (error) {
    if (timedOut) throw new RpcError(`no answer within ${Math.round(ms / 1000)} s`, "DEADLINE_EXCEEDED");
    throw error;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
  }
}
