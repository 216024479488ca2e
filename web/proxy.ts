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
    const query = new URLSearchParams(searchParams);
    query.delete("token");
    const rest = query.toString();
    // A relative Location: correct behind any proxy, whatever Host and scheme it forwards.
    response = new NextResponse(null, { status: 303, headers: { location: `/capture${rest ? `?${rest}` : ""}#${new URLSearchParams({ token }).toString()}` } });
  } else {
    response = NextResponse.next();
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
