import { randomBytes } from "node:crypto";
import { DomainError } from "../rpc/errors.ts";
import type { AccessStore } from "../store/access-store.ts";
import { bearerOf, newToken, sameSecret, sha256Hex, type RequestHeaders } from "./bearer-credential.ts";
import { checkViewerToken, signViewerToken, viewerKey } from "./viewer-token.ts";

/** The access settings of the server configuration. */
export interface AccessSettings {
  /** When false, anyone who reaches the server may open a capture session. */
  readonly captureAuth: boolean;
  /** A token every capture device may use instead of a pairing, or undefined. */
  readonly captureToken: string | undefined;
  /** The count page's password, or undefined for an open count page. */
  readonly viewerPassword: string | undefined;
  /** How long a viewer token from SignIn stays valid. */
  readonly viewerTokenTtlMs: number;
}

/** What the pages need to know before their first call. */
export interface AccessPolicy {
  readonly viewerSignInRequired: boolean;
  readonly captureCredentialRequired: boolean;
}

/** A session as far as access decisions go. */
export interface SessionCredential {
  readonly cameraId: string;
  readonly token: string;
}

/** Sign-in attempts: a burst of 10, then one every 6 s, for every replica on the database together. */
const SIGN_IN_RATE = { perSecond: 1 / 6, burst: 10 };
/** The store's token bucket for sign-ins. */
const SIGN_IN_BUCKET = "sign-in";

/**
 * Every access decision of the server in one place: who may open a capture
 * session (pairing token or shared token), who may use a session (its
 * session token), who may watch and manage (viewer token when a viewer
 * password is set). Throws DomainErrors with UNAUTHENTICATED or
 * PERMISSION_DENIED and a message that says what to do.
 */
export class AccessControl {
  private constructor(
    private readonly settings: AccessSettings,
    private readonly store: AccessStore,
    private readonly viewerKey: Uint8Array | undefined,
    /** See local-capture-token.ts. */
    readonly localCaptureToken: string,
  ) {}

  /** Loads (or makes, on first start) the secret that signs viewer tokens and the local capture token. */
  static async create(settings: AccessSettings, store: AccessStore): Promise<AccessControl> {
    const password = settings.viewerPassword;
    const key = password === undefined ? undefined : viewerKey(await store.secret("viewer-token-key", () => randomBytes(32).toString("base64url")), password);
    const local = await store.secret("local-capture-token", () => newToken("hl_"));
    return new AccessControl(settings, store, key, local);
  }

  get policy(): AccessPolicy {
    return { viewerSignInRequired: this.viewerKey !== undefined, captureCredentialRequired: this.settings.captureAuth };
  }

  /**
   * StreamFrames, before its first message is read: a caller without any
   * capture credential is refused at once (which camera it is for is only
   * known from the first message).
   */
  requireCaptureBearer(headers: RequestHeaders): void {
    if (this.settings.captureAuth && bearerOf(headers) === undefined) {
      throw new DomainError(
        "UNAUTHENTICATED",
        "this device is not paired: on the count page, under \"Pair a device\", press \"Make pairing link\" and open the link (or scan its QR code) on this device; scripts send a pairing token or the shared capture token as `authorization: Bearer <token>`",
      );
    }
  }

  /** OpenSession and StreamFrames: a pairing token of this camera, or the shared token. */
  async authorizeCapture(headers: RequestHeaders, cameraId: string): Promise<void> {
    if (!this.settings.captureAuth) return;
    this.requireCaptureBearer(headers);
    const token = bearerOf(headers)!;
    const shared = this.settings.captureToken;
    if (shared !== undefined && sameSecret(token, shared)) return;
    if (sameSecret(token, this.localCaptureToken)) return;
    const paired = await this.store.pairedCamera(sha256Hex(token));
    if (paired === null) throw new DomainError("UNAUTHENTICATED", "the pairing token is not valid (revoked, or from another server): pair this camera again from the count page");
    if (paired !== cameraId) throw new DomainError("PERMISSION_DENIED", `this pairing token is for camera ${paired}, not ${cameraId}`);
  }

  /**
   * UploadFrame and WatchAcks, before the session is looked up: a caller
   * without any token is refused without learning whether the session exists.
   */
  requireSessionBearer(headers: RequestHeaders): void {
    if (bearerOf(headers) === undefined) throw new DomainError("UNAUTHENTICATED", "missing session token: send OpenSession's session_token as `authorization: Bearer <token>`");
  }

  /** UploadFrame and WatchAcks: the session's own token. */
  requireSession(headers: RequestHeaders, session: SessionCredential): void {
    this.requireSessionBearer(headers);
    if (!holdsSessionToken(headers, session)) throw new DomainError("UNAUTHENTICATED", "the session token does not belong to this session");
  }

  /** CountService and pairing: a valid viewer token when a viewer password is set. */
  requireViewer(headers: RequestHeaders, nowMs = Date.now()): void {
    const problem = this.viewerProblem(headers, nowMs);
    if (problem) throw new DomainError("UNAUTHENTICATED", problem);
  }

  /**
   * A change to one camera (its counting line): allowed to viewers and to the
   * camera's own open session (the capture page draws lines too).
   */
  requireViewerOrSession(headers: RequestHeaders, cameraId: string, session: SessionCredential | undefined, nowMs = Date.now()): void {
    const problem = this.viewerProblem(headers, nowMs);
    if (!problem) return;
    if (session && session.cameraId === cameraId && holdsSessionToken(headers, session)) return;
    throw new DomainError("UNAUTHENTICATED", problem);
  }

  /** SignIn: the viewer password for a token; throttled across every replica (in the store) against guessing. */
  async signIn(password: string, nowMs: number): Promise<{ token: string; expiresAtMs: number }> {
    if (!this.viewerKey) throw new DomainError("FAILED_PRECONDITION", "this server has no viewer password: the count page needs no sign-in");
    if (!(await this.store.takeToken(SIGN_IN_BUCKET, SIGN_IN_RATE, nowMs))) throw new DomainError("RESOURCE_EXHAUSTED", "too many sign-in attempts; wait a minute and try again");
    if (!sameSecret(password, this.settings.viewerPassword!)) throw new DomainError("UNAUTHENTICATED", "wrong password");
    const expiresAtMs = nowMs + this.settings.viewerTokenTtlMs;
    return { token: signViewerToken(this.viewerKey, expiresAtMs), expiresAtMs };
  }

  /** Issues a new pairing token for a known camera; only its hash is stored. */
  async pair(cameraId: string, nowMs: number): Promise<string> {
    const token = newToken("hp_");
    await this.store.addPairing(cameraId, sha256Hex(token), nowMs);
    return token;
  }

  /** Revokes every pairing token of a camera. */
  revoke(cameraId: string): Promise<number> {
    return this.store.revokePairings(cameraId);
  }

  private viewerProblem(headers: RequestHeaders, nowMs: number): string | null {
    if (!this.viewerKey) return null;
    const token = bearerOf(headers);
    if (token === undefined) return "sign in first: this count page needs the viewer password";
    const refused = checkViewerToken(this.viewerKey, token, nowMs);
    if (refused === "expired") return "your sign-in has expired: sign in again";
    return refused ? "the viewer token is not valid (the password may have changed): sign in again" : null;
  }
}

/** True when the request carries the session's own token. */
function holdsSessionToken(headers: RequestHeaders, session: SessionCredential): boolean {
  const token = bearerOf(headers);
  return token !== undefined && sameSecret(token, session.token);
}
