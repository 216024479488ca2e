import type { z } from "zod";

/**
 * HEADCOUNT_CORS_ORIGINS: "*", or a comma-separated list of origins as
 * browsers send them (scheme://host[:port], no path). An entry that can never
 * match would lock browsers out with nothing but a CORS error on the page.
 */
export function parseOrigins(value: string, ctx: z.RefinementCtx): "*" | string[] {
  if (value === "*") return "*";
  const entries = value.split(",").map((o) => o.trim()).filter(Boolean);
  if (entries.length === 0) ctx.addIssue({ code: "custom", message: "list at least one origin, or * for any" });
  const origins: string[] = [];
  for (const entry of entries) {
    const origin = entry === "*" ? null : normalizeOrigin(entry);
    if (origin !== null) origins.push(origin);
    else if (entry === "*") ctx.addIssue({ code: "custom", message: "* allows any origin and cannot be combined with a list" });
    else ctx.addIssue({ code: "custom", message: `${JSON.stringify(entry)} is not an origin like https://count.example or http://192.168.1.20:3000` });
  }
  return origins;
}

/** HEADCOUNT_WEB_UPSTREAM: where the Next app listens, an http origin. */
export function parseUpstream(value: string, ctx: z.RefinementCtx): string {
  const origin = normalizeOrigin(value);
  if (origin === null || !origin.startsWith("http:")) ctx.addIssue({ code: "custom", message: "must be an http origin like http://127.0.0.1:3000" });
  return origin ?? value;
}

/** HEADCOUNT_PUBLIC_URL: the origin other devices open, e.g. https://headcount.lan:8443. */
export function parsePublicUrl(value: string, ctx: z.RefinementCtx): string {
  const origin = normalizeOrigin(value);
  if (origin === null) ctx.addIssue({ code: "custom", message: "must be an origin like https://headcount.lan:8443 (no path)" });
  return origin ?? value;
}

/** HEADCOUNT_DATABASE_URL: postgres:// or postgresql:// with a host. */
export function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** The origin as a browser sends it (lower-case, no default port), or null for anything else. */
function normalizeOrigin(entry: string): string | null {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  // An Origin header never has a path, query or credentials.
  return url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password ? url.origin : null;
}
