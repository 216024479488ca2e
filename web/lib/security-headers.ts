/**
 * The security headers of every response of the web app, set by `proxy.ts`
 * so they hold whoever serves the app: `next start` alone, the server's LAN
 * https origin, or Envoy.
 */
import type { GrpcWebSetting } from "./grpc-web-url.ts";

/** Where the page may connect besides itself, for the gRPC-Web setting in use. */
function grpcWebSources(setting: GrpcWebSetting): string[] {
  switch (setting.kind) {
    // An http page calls the built-in endpoint on its own host, port 8080; an https page its own origin.
    case "default":
      return ["http://*:8080"];
    case "url":
      return [new URL(setting.url).origin];
    case "same-origin":
    case "invalid":
      return [];
  }
}

/**
 * The Content-Security-Policy. Scripts and styles allow 'unsafe-inline'
 * because Next.js streams its page data in inline scripts (a nonce would
 * force every page to render per request); the policy's work here is
 * framing (clickjacking of the pairing and reset buttons), plugins, base and
 * form targets, and where the page may send data.
 */
export function contentSecurityPolicy(setting: GrpcWebSetting, dev: boolean): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", ...(dev ? ["'unsafe-eval'"] : [])],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "media-src": ["'self'", "blob:", "mediastream:"],
    "font-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "connect-src": ["'self'", ...grpcWebSources(setting), ...(dev ? ["ws:", "wss:"] : [])],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/** Every header, by name. */
export function securityHeaders(setting: GrpcWebSetting, dev: boolean): Readonly<Record<string, string>> {
  return {
    "content-security-policy": contentSecurityPolicy(setting, dev),
    // For browsers without frame-ancestors.
    "x-frame-options": "DENY",
    // The capture URL of an old-style pairing link carried its token.
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    // The capture page needs the camera, and nothing framed or embedded does.
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
  };
}
