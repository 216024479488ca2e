import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Request headers as grpc-backend's ServerCallContext gives them. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A request header's first value, or undefined when it is absent or empty. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const raw = headers[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first || undefined;
}

/**
 * The token of an `authorization: Bearer <token>` header, or undefined when
 * there is none. Anything else in the header (another scheme, spaces inside
 * the token) counts as no credential.
 */
export function bearerOf(headers: RequestHeaders): string | undefined {
  const value = headerValue(headers, "authorization");
  const match = value ? /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/i.exec(value.trim()) : null;
  return match?.[1];
}

/** A new random token: `prefix` then 32 random bytes in base64url (256 bits). */
export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** SHA-256 of a token, hex: what the store keeps instead of the token. */
export function sha256Hex(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Compares two secrets in time that does not depend on where they differ
 * (hashing first makes the lengths equal, so the length leaks nothing either).
 */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}
