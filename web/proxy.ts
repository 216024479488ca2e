import { NextResponse, type NextRequest } from "next/server";
import { readGrpcWebSetting } from "@/lib/grpc-web-url";
import { securityHeaders } from "@/lib/security-headers";

/**
 * Runs before every request (Next.js "proxy", formerly middleware): adds the
 * security headers, and moves a pairing token out of the capture page's query
 * into the fragment before the page renders, so it is never rendered into the
 * HTML (the page reads it in the browser; see lib/count/pairing-link.ts).
 */
export function proxy(request: NextRequest): NextResponse {
  const headers = securityHeaders(readGrpcWebSetting(), process.env.NODE_ENV === "development");
  const { pathname, searchParams } = request.nextUrl;
  let response: NextResponse;
  const token = pathname === "/capture" ? searchParams.get("token") : null;
  if (token !== null) {
    const target = request.nextUrl.clone();
    target.searchParams.delete("token");
    target.hash = new URLSearchParams({ token }).toString();
    // Next.js sends a same-origin redirect as a relative Location: right behind any proxy.
    response = NextResponse.redirect(target, 303);
  } else {
    response = NextResponse.next();
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
