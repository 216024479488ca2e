/**
 * Where the browser finds the gRPC-Web endpoint.
 *
 * The server component reads `HEADCOUNT_GRPC_WEB_URL` at request time (so one
 * build runs anywhere), parses it with {@link parseGrpcWebSetting} and hands
 * the serializable result to the client, which turns it into a base URL with
 * {@link resolveGrpcWebUrl} once `location` is known.
 *
 * - unset or empty: on an https page, `location.origin` (the page came
 *   through the server's LAN https origin or Envoy, which serve gRPC-Web on
 *   the same origin; plain http on :8080 would be blocked as mixed content);
 *   on an http page `http://${hostname}:8080`, the built-in gRPC-Web
 *   endpoint of the headcount server (the default for a single machine);
 * - `same-origin`: `location.origin` (the app sits behind Envoy, which routes
 *   gRPC-Web and the pages on one origin);
 * - anything else: that absolute http(s) URL.
 */

/** The env var the web app reads for the gRPC-Web endpoint. */
export const GRPC_WEB_URL_ENV = "HEADCOUNT_GRPC_WEB_URL";

/** The port of the server's built-in gRPC-Web endpoint, used when the env var is unset. */
export const DEFAULT_GRPC_WEB_PORT = 8080;

/** The parsed setting; plain data so it can cross the server/client boundary. */
export type GrpcWebSetting =
  | { readonly kind: "default" }
  | { readonly kind: "same-origin" }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "invalid"; readonly raw: string; readonly reason: string };

/** The parts of `window.location` the resolution needs. */
export interface LocationLike {
  readonly protocol: string;
  readonly hostname: string;
  readonly origin: string;
}

/** Parses the raw env value (undefined when unset). */
export function parseGrpcWebSetting(raw: string | undefined): GrpcWebSetting {
  const value = (raw ?? "").trim();
  if (value === "") return { kind: "default" };
  if (value.toLowerCase() === "same-origin") return { kind: "same-origin" };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { kind: "invalid", raw: value, reason: "not an absolute URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { kind: "invalid", raw: value, reason: "the scheme must be http or https" };
  }
  if (url.search !== "" || url.hash !== "") {
    return { kind: "invalid", raw: value, reason: "a query or fragment is not allowed" };
  }
  // Keep a path prefix (a proxy may mount gRPC-Web under one) but drop the trailing slash.
  return { kind: "url", url: url.href.replace(/\/+$/, "") };
}

/** Reads and parses the env var; call only on the server, at request time. */
export function readGrpcWebSetting(env: Readonly<Record<string, string | undefined>> = process.env): GrpcWebSetting {
  return parseGrpcWebSetting(env[GRPC_WEB_URL_ENV]);
}

/**
 * The base URL the transport should use, or an error message for an invalid
 * setting (shown on the page instead of failing every call).
 */
export function resolveGrpcWebUrl(
  setting: GrpcWebSetting,
  location: LocationLike,
): { readonly ok: true; readonly url: string } | { readonly ok: false; readonly message: string } {
  switch (setting.kind) {
    case "default":
      if (location.protocol === "https:") return { ok: true, url: location.origin };
      return { ok: true, url: `${location.protocol}//${formatHost(location.hostname)}:${DEFAULT_GRPC_WEB_PORT}` };
    case "same-origin":
      return { ok: true, url: location.origin };
    case "url":
      return { ok: true, url: setting.url };
    case "invalid":
      return {
        ok: false,
        message: `${GRPC_WEB_URL_ENV}="${setting.raw}" is invalid (${setting.reason}). Use an absolute http(s) URL, "same-origin", or leave it unset.`,
      };
  }
}

/** `location.hostname` gives IPv6 literals without brackets in some browsers. */
function formatHost(hostname: string): string {
  return hostname.includes(":") && !hostname.startsWith("[") ? `[${hostname}]` : hostname;
}
