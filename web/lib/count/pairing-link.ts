/**
 * Pairing links: a URL that opens the capture page bound to a camera, so a
 * phone that scans the count page's QR code counts as that camera.
 */

import { normalizeCameraName } from "../capture/camera-identity.ts";

/** `${origin}/capture?camera=ID&name=NAME` (no name parameter when the name is blank). */
export function pairingUrl(origin: string, cameraId: string, name: string): string {
  const query = new URLSearchParams({ camera: cameraId });
  const cleanName = normalizeCameraName(name);
  if (cleanName) query.set("name", cleanName);
  return `${origin.replace(/\/+$/, "")}/capture?${query.toString()}`;
}

/** The link without its scheme, for showing (`host:3000/capture?camera=cam-…`). */
export function shortLinkText(url: string): string {
  return url.replace(/^https?:\/\//, "");
}

