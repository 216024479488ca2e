import { DomainError } from "../rpc/errors.ts";

/** A session's integer key and its camera's. */
export interface SessionKeys {
  readonly key: number;
  readonly cameraKey: number;
}

/** The row of a camera that was looked up by id; NOT_FOUND when there is none. */
export function foundCamera<R>(row: R | undefined, cameraId: string): R {
  if (!row) throw new DomainError("NOT_FOUND", `unknown camera ${cameraId}`);
  return row;
}

/**
 * A store's integer keys of cameras and sessions by their ids. Cameras and
 * sessions are never deleted, so a key once found is cached for good; the
 * store looks up what is not cached (SQLite at once, PostgreSQL with await).
 */
export class StoreKeys {
  private readonly cameras = new Map<string, number>();
  private readonly sessions = new Map<string, SessionKeys>();

  /** The camera's cached key, or undefined (then look it up and {@link rememberCamera}). */
  cachedCamera(cameraId: string): number | undefined {
    return this.cameras.get(cameraId);
  }

  /** Caches the key of a camera row looked up by id; NOT_FOUND when there is no row. */
  rememberCamera(cameraId: string, row: { camera_key: number } | undefined): number {
    const key = foundCamera(row, cameraId).camera_key;
    this.cameras.set(cameraId, key);
    return key;
  }

  /** The session's cached keys, or undefined (then look them up and {@link rememberSession}). */
  cachedSession(sessionId: string): SessionKeys | undefined {
    return this.sessions.get(sessionId);
  }

  /** Caches the keys of a session row looked up by id; NOT_FOUND when there is no row. */
  rememberSession(sessionId: string, row: { session_key: number; camera_key: number } | undefined): SessionKeys {
    if (!row) throw new DomainError("NOT_FOUND", `unknown session ${sessionId}`);
    const keys = { key: row.session_key, cameraKey: row.camera_key };
    this.sessions.set(sessionId, keys);
    return keys;
  }

}

/** The session's key, after checking it belongs to the camera (INVALID_ARGUMENT otherwise). */
export function sessionKeyOf(session: SessionKeys, sessionId: string, cameraKey: number, cameraId: string): number {
  if (session.cameraKey !== cameraKey) throw new DomainError("INVALID_ARGUMENT", `session ${sessionId} does not belong to camera ${cameraId}`);
  return session.key;
}
