import type { ICaptureServiceClient } from "@headcount/proto/capture-client";
import type { CountingLine, FrameAck, NamedLine, SessionLimits, Zone } from "@headcount/proto/types";
import type { CallFailure } from "../rpc-errors.ts";
import type { ReconnectBackoff } from "../reconnect-backoff.ts";

/** A session the server opened. */
export interface OpenedSession {
  readonly id: string;
  /** The session's credential for UploadFrame, WatchAcks and SetCountingLine. */
  readonly token: string;
  readonly limits: SessionLimits | null;
  readonly line: CountingLine | null;
  /** The camera's named lines and zones, drawn live (those other than "line", which is `line`). */
  readonly places: { readonly lines: readonly NamedLine[]; readonly zones: readonly Zone[] };
  /** The camera's name as the server stores it (the truth the page shows). */
  readonly cameraName: string;
}

/** The link's state, a subset of the page's connection state. */
export type LinkState = "connecting" | "live" | "reconnecting";

/** What the link reports to its owner. */
export interface SessionLinkEvents {
  /** State changes; `retryAtMs` (Date.now() clock) is set while waiting to reconnect. */
  state(state: LinkState, retryAtMs: number | null): void;
  opened(session: OpenedSession): void;
  ack(ack: FrameAck): void;
  /** A connection problem worth showing. */
  error(message: string): void;
  /** Something the user may want to know that is not an error. */
  notice(message: string): void;
  /** The server refused this device's credential (UNAUTHENTICATED, PERMISSION_DENIED): final, the link stops. */
  refused(failure: CallFailure): void;
  /** Another device or page took the camera over (ABORTED on the current session): final, the link stops. */
  takenOver(failure: CallFailure): void;
}

/** Who this device is, read at each OpenSession (OpenSessionRequest's fields). */
export interface LinkIdentity {
  readonly cameraId: string;
  /** A name the user typed on this page (renames the camera); empty keeps the server's name. */
  readonly cameraName: string;
  /** The name for a camera this call creates (a link's or the page's remembered name); never renames. */
  readonly newCameraName: string;
}

/** The calls the link makes (the generated client, or a scripted fake in tests; a fake may leave out closeSession). */
export type SessionLinkClient = Pick<ICaptureServiceClient, "openSession" | "watchAcks"> & Partial<Pick<ICaptureServiceClient, "closeSession">>;

/** What a link needs. */
export interface SessionLinkOptions {
  readonly client: SessionLinkClient;
  /** Only for messages ("Cannot reach the headcount server at ..."). */
  readonly baseUrl: string;
  readonly identity: () => LinkIdentity;
  /** Sent with OpenSession: the camera's pairing token or the shared capture token. */
  readonly captureToken?: string | null;
  readonly events: SessionLinkEvents;
  /** Defaults to 0.5 s .. 10 s; tests pass a fast one. */
  readonly backoff?: ReconnectBackoff;
}
