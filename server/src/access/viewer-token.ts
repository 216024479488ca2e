import { createHmac, timingSafeEqual } from "node:crypto";

const VERSION = "v1";

/**
 * Viewer tokens are stateless: `v1.<expiry ms, base36>.<HMAC-SHA256>`. The
 * HMAC key is derived from the server's stored secret *and* the viewer
 * password, so a restart keeps viewers signed in while changing the password
 * signs everybody out. Pure apart from the hashing; time is an argument.
 */
export function signViewerToken(key: Uint8Array, expiresAtMs: number): string {
  const expiry = Math.floor(expiresAtMs).toString(36);
  return `${VERSION}.${expiry}.${mac(key, expiry)}`;
}

/** Why a viewer token was refused, or null when it is valid at `nowMs`. */
export function checkViewerToken(key: Uint8Array, token: string, nowMs: number): "malformed" | "bad-signature" | "expired" | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== VERSION || !/^[0-9a-z]{1,12}$/.test(parts[1]!)) return "malformed";
  const expected = Buffer.from(mac(key, parts[1]!), "base64url");
  const given = Buffer.from(parts[2]!, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad-signature";
  return parseInt(parts[1]!, 36) <= nowMs ? "expired" : null;
}

/** The HMAC key for viewer tokens from the server secret and the password. */
export function viewerKey(serverSecret: string, password: string): Uint8Array {
  return createHmac("sha256", serverSecret).update(`viewer-token-key\0${password}`, "utf8").digest();
}

function mac(key: Uint8Array, expiry: string): string {
  return createHmac("sha256", key).update(`viewer\0${expiry}`, "utf8").digest("base64url");
}
