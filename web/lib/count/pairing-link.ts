/**
 * Pairing links: a URL that opens the capture page bound to a camera, so a
 * phone that scans the count page's QR code counts as that camera.
 */

import { normalizeCameraName } from "../capture/camera-identity.ts";

/**
 * `${origin}/capture?camera=ID&name=NAME#token=TOKEN` (no name parameter when
 * the name is blank; no token when the server asks for none). The token rides
 * in the fragment, which browsers never send: it reaches no server log, no
 * Referer and no server-rendered page; the capture page reads it from
 * `location` ({@link takeLinkToken}).
 */
export function pairingUrl(origin: string, cameraId: string, name: string, token?: string | null): string {
  const query = new URLSearchParams({ camera: cameraId });
  const cleanName = normalizeCameraName(name);
  if (cleanName) query.set("name", cleanName);
  const fragment = token ? `#${new URLSearchParams({ token }).toString()}` : "";
  return `${origin.replace(/\/+$/, "")}/capture?${query.toString()}${fragment}`;
}

/** The link without its scheme and token, for showing (`host:3000/capture?camera=cam-…`). */
export function shortLinkText(url: string): string {
  return url.replace(/^https?:\/\//, "").replace(/([?&#])token=[^&]*/, "$1token=…");
}

/**
 * The token a pairing link carried (`#token=`, or `?token=` from older links
 * and kiosk URLs), and the same URL without it, to put in the address bar.
 */
export function takeLinkToken(href: string): { readonly token: string | undefined; readonly cleanUrl: string } {
  const url = new URL(href);
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
  const token = fragment.get("token") ?? url.searchParams.get("token") ?? undefined;
  if (token === undefined) return { token, cleanUrl: href };
  fragment.delete("token");
  url.searchParams.delete("token");
  url.hash = fragment.toString();
  return { token, cleanUrl: url.href };
}

