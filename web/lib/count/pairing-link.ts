/**
 * Pairing links: a URL that opens the capture page bound to a camera, so a
 * phone that scans the count page's QR code counts as that camera.
 */

import { normalizeCameraName } from "../capture/camera-identity.ts";

/**
 * `${origin}/capture?camera=ID&name=NAME&token=TOKEN` (no name parameter when
 * the name is blank; no token when the server asks for none).
 */
export function pairingUrl(origin: string, cameraId: string, name: string, token?: string | null): string {
  const query = new URLSearchParams({ camera: cameraId });
  const cleanName = normalizeCameraName(name);
  if (cleanName) query.set("name", cleanName);
  if (token) query.set("token", token);
  return `${origin.replace(/\/+$/, "")}/capture?${query.toString()}`;
}

/** The link without its scheme and token, for showing (`host:3000/capture?camera=cam-…`). */
export function shortLinkText(url: string): string {
  return url.replace(/^https?:\/\//, "").replace(/([?&])token=[^&]*/, "$1token=…");
}

