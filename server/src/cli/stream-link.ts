import { setTimeout as sleep } from "node:timers/promises";
import type { CaptureServiceClient } from "@headcount/proto/capture-client";
import type { FrameAck } from "@headcount/proto/types";
import { RpcError } from "@protobuf-ts/runtime-rpc";

/** One StreamFrames call whose session is open. */
export interface StreamLink {
  readonly call: ReturnType<CaptureServiceClient["streamFrames"]>;
  /** Resolves with null when the call ends cleanly, else with its error. */
  readonly status: Promise<unknown>;
  readonly sessionId: string;
  readonly sessionToken: string;
  /** The session's frame-rate limit (0: none): a sender going as fast as acks come must not go over it. */
  readonly maxFps: number;
  /** The server it runs on, and its place in the targets. */
  readonly target: string;
  readonly index: number;
}

/** A server to try (host:port) and the client that calls it. */
export interface LinkTarget {
  readonly target: string;
  readonly client: CaptureServiceClient;
}

/** A reconnect try that failed and the wait before the next one, for the person watching. */
export interface RetryNotice {
  readonly target: string;
  /** The try that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  /** Why it failed, in plain words. */
  readonly reason: string;
  /** The server the next try goes to (another replica, or the same one). */
  readonly next: string;
}

/** How to open a link. */
export interface LinkOptions {
  /** One server, or several replicas of it on one database: tried in turn from `first`. */
  readonly targets: readonly LinkTarget[];
  /** The index of the target tried first. */
  readonly first: number;
  readonly cameraId: string;
  readonly cameraName: string;
  readonly token?: string;
  /** Aborts the tries and the call that opens. */
  readonly signal: AbortSignal;
  /** Stops trying (between tries) without touching a call that opened. */
  readonly giveUp?: AbortSignal;
  readonly onAck: (ack: FrameAck) => void;
  /** Keep trying for this long when the server cannot be reached. */
  readonly tryForMs: number;
  /** True after a stream that worked broke; the first connection's tries are not reported one by one. */
  readonly reconnecting: boolean;
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** The server could not be reached (or did not answer as one) for as long as the sender tried. */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}

/** Gives up on one try when no session opened within this time (a host that drops packets). */
const ATTEMPT_TIMEOUT_MS = 5_000;

/** Failures worth trying again after: the server or the network went away. */
const RETRYABLE = new Set(["UNAVAILABLE", "INTERNAL", "UNKNOWN", "DEADLINE_EXCEEDED", "CANCELLED"]);

/**
 * Opens a StreamFrames call and its session, trying again while the failure
 * is one of reachability and `tryForMs` has not passed: the next target at
 * once (another replica), and with backoff (0.25 s doubling up to 5 s) only
 * after every target failed in a row. Each try has its own abort controller,
 * so retries add no listeners to the caller's signal.
 */
export async function openStreamLink(options: LinkOptions): Promise<StreamLink> {
  const started = Date.now();
  const count = options.targets.length;
  if (count === 0) throw new Error("no server address to send to");
  for (let attempt = 1; ; attempt++) {
    const index = (options.first + attempt - 1) % count;
    const { target, client } = options.targets[index]!;
    let failure: unknown;
    try {
      return { ...(await tryOnce(options, client)), target, index };
    } catch (err) {
      failure = err;
    }
    const stopped = () => options.signal.aborted || options.giveUp?.aborted === true;
    if (stopped() || !isRetryable(failure)) throw failure;
    const reason = describeFailure(failure, target);
    const roundDone = attempt % count === 0;
    const delayMs = roundDone ? Math.min(5_000, 250 * 2 ** (attempt / count - 1)) : 0;
    if (Date.now() + delayMs > started + options.tryForMs && attempt >= count) {
      const tried = `${attempt} ${attempt === 1 ? "try" : "tries"} in ${((Date.now() - started) / 1000).toFixed(1)} s`;
      const where = options.targets.map((t) => t.target).join(" or ");
      throw new UnreachableError(`cannot reach a headcount server at ${where}: ${reason} (${tried})`);
    }
    const next = options.targets[(index + 1) % count]!.target;
    if (options.reconnecting) options.onRetry?.({ target, attempt, delayMs, reason, next });
    const wake = options.giveUp ? AbortSignal.any([options.signal, options.giveUp]) : options.signal;
    await sleep(delayMs, undefined, { signal: wake }).catch(() => undefined);
    if (stopped()) throw failure;
  }
}

async function tryOnce(options: LinkOptions, client: CaptureServiceClient): Promise<Omit<StreamLink, "target" | "index">> {
  const attempt = new AbortController();
  const forward = () => attempt.abort();
  options.signal.addEventListener("abort", forward, { once: true });
  const meta = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
  const call = client.streamFrames({ abort: attempt.signal, ...(meta ? { meta } : {}) });
  type Opened = { sessionId: string; sessionToken: string; maxFps: number };
  let opened: (session: Opened) => void = () => {};
  const session = new Promise<Opened>((resolve) => (opened = resolve));
  call.responses.onMessage((m) => {
    if (m.message.oneofKind === "session") {
      const { sessionId, sessionToken, limits } = m.message.session;
      opened({ sessionId, sessionToken, maxFps: limits?.maxFps ?? 0 });
    }
    else if (m.message.oneofKind === "ack") options.onAck(m.message.ack);
  });
  const status = call.status.then(
    () => null,
    (err: unknown) => err,
  );
  void status.then(() => options.signal.removeEventListener("abort", forward));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, ATTEMPT_TIMEOUT_MS);
  try {
    await call.requests.send({ message: { oneofKind: "open", open: { cameraId: options.cameraId, cameraName: options.cameraName } } });
    const ended = status.then((err) => Promise.reject(err ?? new Error("the stream ended before the session opened")));
    const first = await Promise.race([session, ended]);
    return { call, status, ...first };
  } catch (err) {
    throw timedOut && !options.signal.aborted ? new NoAnswerError(`no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`) : err;
  } finally {
    clearTimeout(timer);
  }
}

class NoAnswerError extends Error {}

function isRetryable(err: unknown): boolean {
  return err instanceof NoAnswerError || (err instanceof RpcError && RETRYABLE.has(err.code));
}

/**
 * A failure in plain words. grpc-js reports an unreachable server as
 * "No connection established. Last error: … Resolution note: …"; the person
 * running the sender needs to know which of a few things went wrong.
 */
export function describeFailure(err: unknown, target: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/ECONNREFUSED/.test(message)) return `connection refused: nothing listens on ${target}`;
  if (/Name resolution failed|ENOTFOUND|EAI_AGAIN/.test(message)) return "unknown host name";
  if (/EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/.test(message)) return "the host cannot be reached";
  if (/Protocol error/.test(message)) {
    return "something answers there, but not native gRPC: the server's native port is HEADCOUNT_GRPC_PORT, 50051 by default (8080 is for browsers, 3000 the web app)";
  }
  if (err instanceof NoAnswerError) return message;
  const plain = message.replace(/\s*Resolution note:.*$/s, "").replace(/^No connection established\. Last error: (Error: )?/, "");
  return err instanceof RpcError ? `${plain} (${err.code})` : plain;
}
