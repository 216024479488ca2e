/**
 * Turning failed gRPC-Web calls into something a person can read, and
 * deciding which failures are worth a reconnect.
 */

/** A failure as the UI needs it: the gRPC code name and a readable message. */
export interface CallFailure {
  /** gRPC status name, e.g. "NOT_FOUND"; "UNKNOWN" when the error had none. */
  readonly code: string;
  /** Decoded, human-readable message. */
  readonly message: string;
  /** True when the server could not be reached at all (fetch failed, proxy down). */
  readonly network: boolean;
}

// What `fetch` rejects with when nothing answers: Chromium, Firefox, Safari, undici.
const NETWORK_MESSAGES = [/failed to fetch/i, /networkerror/i, /load failed/i, /network error/i, /fetch failed/i];

/**
 * `grpc-message` is percent-encoded on the wire and protobuf-ts passes it
 * through as is; a malformed escape must not throw while we are reporting an error.
 */
export function decodeGrpcMessage(message: string): string {
  try {
    return decodeURIComponent(message);
  } catch {
    return message;
  }
}

/** Normalizes anything thrown by a protobuf-ts call (RpcError or not). */
export function toCallFailure(error: unknown): CallFailure {
  const code = readString(error, "code") ?? "UNKNOWN";
  const raw = readString(error, "message") ?? String(error);
  const message = decodeGrpcMessage(raw);
  // protobuf-ts reports a rejected fetch as INTERNAL with the fetch error's message.
  const network =
    code === "UNAVAILABLE" ||
    code === "DEADLINE_EXCEEDED" ||
    (code === "INTERNAL" && NETWORK_MESSAGES.some((re) => re.test(message)));
  return { code, message, network };
}

/** True for failures that a retry with backoff may cure. */
export function isTransient(failure: CallFailure): boolean {
  return (
    failure.network ||
    failure.code === "UNAVAILABLE" ||
    failure.code === "DEADLINE_EXCEEDED" ||
    failure.code === "CANCELLED"
  );
}

/**
 * True when a newer session took this session's camera over (another device
 * or page opened it, on any server replica): ABORTED, which headcount uses
 * for nothing else. Final: reconnecting would take the camera back, and two
 * devices would take it from each other forever; only the person decides.
 */
export function isTakeover(failure: CallFailure): boolean {
  return failure.code === "ABORTED";
}

/**
 * True when the server refused the caller's credential (UNAUTHENTICATED,
 * PERMISSION_DENIED): final, a retry gets the same answer; only a new
 * credential (pairing, signing in) helps.
 */
export function isRefusal(failure: CallFailure): boolean {
  return failure.code === "UNAUTHENTICATED" || failure.code === "PERMISSION_DENIED";
}

/** A one-line description for the page, e.g. `NOT_FOUND: session expired`. */
export function describeFailure(failure: CallFailure): string {
  if (failure.network) return `the server cannot be reached (${failure.message})`;
  return failure.message && failure.message !== failure.code ? `${failure.code}: ${failure.message}` : failure.code;
}

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" ? field : undefined;
}
