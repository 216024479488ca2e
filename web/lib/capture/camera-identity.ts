/**
 * The capture device's identity: a camera id remembered in localStorage so
 * the camera's counts continue across visits, and an editable display name.
 * A pairing link `?camera=ID&name=NAME&token=TOKEN` overrides them and is
 * remembered; the token (the credential OpenSession needs) is kept with the
 * camera id it was issued for.
 */

/** localStorage key of the camera id. */
export const CAMERA_ID_KEY = "headcount.cameraId";
/** localStorage key of the camera name. */
export const CAMERA_NAME_KEY = "headcount.cameraName";
/** localStorage key of the capture credential: JSON `{ cameraId, token }`. */
export const CAPTURE_TOKEN_KEY = "headcount.captureToken";

/** Capture credentials as the server accepts them (test/contract/shared-patterns.test.ts holds the two together). */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,512}$/;

/** Camera ids as the server accepts them: it refuses any other id in OpenSession. */
export const CAMERA_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const MAX_NAME_LENGTH = 80;

/** The identity the page uses. */
export interface CameraIdentity {
  readonly cameraId: string;
  readonly cameraName: string;
  /** The pairing (or shared) token for this camera, or null when the device is not paired. */
  readonly captureToken: string | null;
  /** Set when a `?camera=` or `?token=` value had to be ignored. */
  readonly warning: string | null;
}

/** The minimal storage surface (window.localStorage or a fake in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** True for ids the server accepts: 1 to 64 of a-z, 0-9, '-', '_', starting with a letter or digit. */
export function isValidCameraId(id: string): boolean {
  return CAMERA_ID_PATTERN.test(id);
}

/** `cam-` plus 8 random base32 characters (40 bits: collisions are not a concern for a site's cameras). */
export function generateCameraId(randomBytes: (n: number) => Uint8Array = cryptoBytes): string {
  let suffix = "";
  for (const byte of randomBytes(8)) suffix += BASE32[byte % 32];
  return `cam-${suffix}`;
}

/** Trims a display name and caps its length. */
export function normalizeCameraName(name: string): string {
  return name.trim().slice(0, MAX_NAME_LENGTH);
}

/**
 * Decides the identity from the URL override and storage, and writes back
 * what it decided so the next visit (without the link) keeps it.
 */
export function loadCameraIdentity(
  store: KeyValueStore | null,
  override: { readonly camera?: string | undefined; readonly name?: string | undefined; readonly token?: string | undefined },
  randomBytes?: (n: number) => Uint8Array,
): CameraIdentity {
  let warning: string | null = null;
  let cameraId = readStored(store, CAMERA_ID_KEY);
  if (override.camera !== undefined && override.camera !== "") {
    const candidate = override.camera.trim().toLowerCase();
    if (isValidCameraId(candidate)) cameraId = candidate;
    else warning = `Ignored camera id "${override.camera}" from the link: use 1 to 64 of a-z, 0-9, "-" and "_".`;
  }
  if (!cameraId || !isValidCameraId(cameraId)) cameraId = generateCameraId(randomBytes);
  const cameraName = normalizeCameraName(override.name ?? readStored(store, CAMERA_NAME_KEY) ?? "");
  writeStored(store, CAMERA_ID_KEY, cameraId);
  writeStored(store, CAMERA_NAME_KEY, cameraName);
  let captureToken = storedToken(store, cameraId);
  if (override.token !== undefined && override.token !== "") {
    if (TOKEN_PATTERN.test(override.token)) {
      captureToken = override.token;
      writeStored(store, CAPTURE_TOKEN_KEY, JSON.stringify({ cameraId, token: captureToken }));
    } else {
      warning = "Ignored the pairing token from the link: it is not a headcount token. Make a new pairing link on the count page.";
    }
  }
  return { cameraId, cameraName, captureToken, warning };
}

/** The remembered token if it was issued for `cameraId`. */
function storedToken(store: KeyValueStore | null, cameraId: string): string | null {
  try {
    const parsed = JSON.parse(readStored(store, CAPTURE_TOKEN_KEY) ?? "null") as { cameraId?: unknown; token?: unknown } | null;
    return parsed?.cameraId === cameraId && typeof parsed.token === "string" && TOKEN_PATTERN.test(parsed.token) ? parsed.token : null;
  } catch {
    return null;
  }
}

/** Remembers an edited name. */
export function saveCameraName(store: KeyValueStore | null, name: string): void {
  writeStored(store, CAMERA_NAME_KEY, normalizeCameraName(name));
}

/** window.localStorage, or null where it is unavailable (private modes, SSR). */
export function browserStore(): KeyValueStore | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

function readStored(store: KeyValueStore | null, key: string): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeStored(store: KeyValueStore | null, key: string, value: string): void {
  try {
    store?.setItem(key, value);
  } catch {
    // A full or blocked storage only costs remembering; the page still works.
  }
}

function cryptoBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}
