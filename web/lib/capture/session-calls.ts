/**
 * The calls of a capture session: OpenSession (with a proposed id),
 * WatchAcks and CloseSession, and the plain-language message of an
 * OpenSession that failed.
 */

import { describeFailure } from "../rpc-errors.ts";
import type { CallFailure } from "../rpc-errors.ts";
import { UNARY_DEADLINE_MS, callOptions, withDeadline } from "../transport.ts";
import type { FrameAck } from "@headcount/proto/types";
import type { LinkIdentity, OpenedSession, SessionLinkClient } from "./session-link-types.ts";

/**
 * A fresh session id to propose on OpenSession: 144 random bits as 24
 * base64url characters (the server accepts 22 to 43). A new one per attempt,
 * so an ALREADY_EXISTS cannot repeat.
 */
export function proposeSessionId(randomBytes: (n: number) => Uint8Array = cryptoBytes): string {
  let binary = "";
  for (const byte of randomBytes(18)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_");
}

function cryptoBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/**
 * Opens a session: proposing the id lets a proxy that hashes on x-session-id
 * route this very call to the replica that will hold the session; a server
 * may still choose its own id. Rejects as the call does.
 */
export async function openCaptureSession(
  client: SessionLinkClient,
  identity: () => LinkIdentity,
  captureToken: string | null,
  signal: AbortSignal,
): Promise<OpenedSession> {
  const proposed = proposeSessionId();
  const opened = await withDeadline(
    UNARY_DEADLINE_MS,
    signal,
    (callSignal) => client.openSession(identity(), callOptions(proposed, callSignal, captureToken)).response,
  );
  return {
    id: opened.sessionId,
    token: opened.sessionToken,
    limits: opened.limits ?? null,
    line: opened.line ?? null,
    places: { lines: opened.lines.filter((l) => l.id !== "line"), zones: opened.zones },
    cameraName: opened.cameraName ?? "",
  };
}

/** What the page says when OpenSession at `baseUrl` failed (other than a refused credential). */
export function openFailureMessage(baseUrl: string, failure: CallFailure): string {
  return failure.network
    ? `Cannot reach the headcount server at ${baseUrl} (${failure.message}). Is it running, and is this address reachable from this device?`
    : `Could not open a capture session at ${baseUrl}: ${describeFailure(failure)}${
        failure.code === "NOT_FOUND" || failure.code === "UNIMPLEMENTED"
          ? " (is HEADCOUNT_GRPC_WEB_URL pointing at the gRPC-Web endpoint?)"
          : ""
      }`;
}

/**
 * Reads one WatchAcks stream of `session`, resuming after `from`, until it
 * ends; each ack goes to `onAck` with its cursor. Rejects as the call does.
 */
export async function readAcks(
  client: SessionLinkClient,
  session: OpenedSession,
  from: { readonly afterSeq: number; readonly afterCursor: number },
  signal: AbortSignal,
  onAck: (ack: FrameAck, cursor: number) => void,
): Promise<void> {
  const call = client.watchAcks(
    { sessionId: session.id, resumeAfterSeq: from.afterSeq, resumeAfterCursor: from.afterCursor },
    callOptions(session.id, signal, session.token),
  );
  for await (const message of call.responses) {
    if (message.ack) onAck(message.ack, message.cursor);
  }
}

/** Ends `session` on the server; best effort, never rejects (if it fails, the server's idle timeout does it). */
export async function closeCaptureSession(client: SessionLinkClient, session: OpenedSession | null): Promise<void> {
  const closeSession = client.closeSession?.bind(client);
  if (!session || !closeSession) return;
  try {
    await withDeadline(UNARY_DEADLINE_MS, undefined, (signal) => closeSession({ sessionId: session.id }, callOptions(session.id, signal, session.token)).response);
  } catch {
    // The server expires the session by itself.
  }
}
