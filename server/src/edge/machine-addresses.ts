/**
 * The names and addresses other devices may use to reach this machine: what
 * the LAN certificate covers, which origins are the web app's own (CORS), and
 * which address a pairing link carries.
 */
import { hostname as osHostname, networkInterfaces } from "node:os";
import { isIP } from "node:net";
import { hostPort, unbracketed } from "../host-port.ts";

/** One network address of this machine, as `os.networkInterfaces()` reports it. */
export interface InterfaceAddress {
  readonly address: string;
  readonly family: "IPv4" | "IPv6" | string;
  readonly internal: boolean;
}

/** This machine's names and addresses. */
export interface MachineAddresses {
  /** DNS names: localhost, the host name and, for a bare one, its mDNS name (name.local). */
  readonly names: readonly string[];
  /** Loopback and LAN IP addresses (no link-local IPv6: browsers cannot use them in URLs). */
  readonly ips: readonly string[];
  /** The LAN IPv4 addresses, in interface order: the ones phones on the same Wi-Fi reach. */
  readonly lanIpv4: readonly string[];
}

/** Reads this machine's addresses; `interfaces` and `hostname` are for tests. */
export function machineAddresses(
  interfaces: Record<string, readonly InterfaceAddress[] | undefined> = networkInterfaces(),
  hostname: string = osHostname(),
): MachineAddresses {
  const names = new Set(["localhost"]);
  const host = hostname.trim().toLowerCase();
  if (/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(host) && host !== "localhost") {
    names.add(host);
    if (!host.includes(".")) names.add(`${host}.local`);
  }
  const ips = new Set(["127.0.0.1", "::1"]);
  const lanIpv4: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const entry of list ?? []) {
      if (entry.internal) continue;
      if (entry.family === "IPv4") {
        ips.add(entry.address);
        if (!lanIpv4.includes(entry.address)) lanIpv4.push(entry.address);
      } else if (entry.family === "IPv6" && !entry.address.toLowerCase().startsWith("fe80")) {
        ips.add(entry.address);
      }
    }
  }
  return { names: [...names], ips: [...ips], lanIpv4 };
}

/** True for localhost and loopback addresses: a link to them works on this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = unbracketed(host).toLowerCase();
  return bare === "localhost" || bare.endsWith(".localhost") || bare === "::1" || (isIP(bare) === 4 && bare.startsWith("127."));
}

/** What the server tells pages about reaching it from other devices. */
export interface DeviceLinks {
  /** Base URL for pairing links (no trailing slash), or "" when the server knows none. */
  readonly baseUrl: string;
  /** Where a device downloads the local CA over plain http, or "" when not served. */
  readonly caCertUrl: string;
}

/** What {@link deviceLinks} decides from. */
export interface DeviceLinkInputs {
  /** HEADCOUNT_PUBLIC_URL, when set: always wins. */
  readonly publicUrl: string | undefined;
  /** The address the servers bind to (0.0.0.0 or :: for every interface). */
  readonly bindHost: string;
  /** The bound LAN https port, or null when it is off. */
  readonly httpsPort: number | null;
  /** The bound plain-http port serving /ca.crt, or null. */
  readonly caHttpPort: number | null;
  readonly addresses: MachineAddresses;
}

/**
 * The address pairing links carry: the public URL when configured, else the
 * LAN https origin on this machine's first LAN IPv4 address (the one a phone
 * on the same Wi-Fi reaches), else the https origin on the bound address
 * (loopback in tests: the page then says the link works on this machine only).
 */
export function deviceLinks(inputs: DeviceLinkInputs): DeviceLinks {
  const wildcard = inputs.bindHost === "0.0.0.0" || inputs.bindHost === "::";
  const lanHost = wildcard ? inputs.addresses.lanIpv4[0] : inputs.bindHost;
  const host = lanHost ?? "127.0.0.1";
  const baseUrl = inputs.publicUrl
    ? inputs.publicUrl.replace(/\/+$/, "")
    : inputs.httpsPort === null
      ? ""
      : `https://${hostPort(host, inputs.httpsPort)}`;
  const caCertUrl = inputs.httpsPort === null || inputs.caHttpPort === null ? "" : `http://${hostPort(host, inputs.caHttpPort)}/ca.crt`;
  return { baseUrl, caCertUrl };
}

/**
 * The web app's own origins (the default of HEADCOUNT_CORS_ORIGINS): the
 * Next app's http port and the LAN https port on every name and address of
 * this machine, plus the public URL's origin.
 */
export function ownOrigins(addresses: MachineAddresses, webPort: number | null, httpsPort: number | null, publicUrl: string | undefined): string[] {
  const origins = new Set<string>();
  for (const host of [...addresses.names, ...addresses.ips]) {
    if (webPort !== null) origins.add(new URL(`http://${hostPort(host, webPort)}`).origin);
    if (httpsPort !== null) origins.add(new URL(`https://${hostPort(host, httpsPort)}`).origin);
  }
  if (publicUrl) origins.add(new URL(publicUrl).origin);
  return [...origins];
}
