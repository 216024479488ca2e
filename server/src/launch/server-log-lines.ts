/**
 * From the server's log line announcing the LAN https origin (edge/browser-edge.ts),
 * what a person needs to capture with a phone; undefined for any other line, and
 * for the warning that only loopback was found (that line explains itself).
 */
export function lanOriginLine(line: string): string | undefined {
  if (!line.includes("LAN https origin listening: on phones")) return undefined;
  try {
    const { url, caCertificate } = JSON.parse(line) as { url?: unknown; caCertificate?: unknown };
    if (typeof url !== "string") return undefined;
    const trust = typeof caCertificate === "string" ? ` (install ${caCertificate} on it once, or accept the certificate warning)` : "";
    return `phones and other devices on this network: open ${url}/${trust}`;
  } catch {
    return undefined;
  }
}
