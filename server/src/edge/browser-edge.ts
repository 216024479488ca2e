/**
 * Everything browsers connect to in the embedded default: the built-in
 * gRPC-Web endpoint on plain http (:8080, also serving /ca.crt) and the LAN
 * https origin (:8443) that serves the pages (forwarded to the Next app) and
 * gRPC-Web on one origin, as Envoy does in the Docker stack, with a
 * certificate from the server's own local CA. One gRPC-Web handler serves both.
 */
import http from "node:http";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import type { ServerConfig } from "../config.ts";
import { createGrpcWebHandler, type GrpcWebHandler } from "../grpc-web/grpc-web-proxy.ts";
import { hostPort } from "../host-port.ts";
import type { Logger } from "../logger.ts";
import { ensureLanCertificates } from "./local-ca.ts";
import { deviceLinks, isLoopbackHost, machineAddresses, ownOrigins, type DeviceLinks, type MachineAddresses } from "./machine-addresses.ts";
import { createWebAppForwarder } from "./web-app-forwarder.ts";

/** The path gRPC-Web calls of our services start with (Envoy routes the same prefix). */
const GRPC_WEB_PREFIX = "/headcount.v1.";
/** Where devices download the local CA certificate. */
export const CA_CERT_PATH = "/ca.crt";

/** What {@link startBrowserEdge} needs. */
export interface BrowserEdgeOptions {
  readonly config: ServerConfig;
  /** The bound native gRPC port, which gRPC-Web calls are translated to. */
  readonly grpcPort: number;
  /** The cap on a gRPC-Web request body (the native port's, so both take the same frames). */
  readonly maxRequestBytes: number;
  readonly log: Logger;
}

/** The started listeners. */
export interface BrowserEdge {
  readonly grpcWebPort: number | null;
  readonly httpsPort: number | null;
  /** What pairing links carry (see PairCameraResponse). */
  readonly links: DeviceLinks;
  close(): Promise<void>;
}

/** Either listener; both close the same way. */
type Listener = http.Server | https.Server;

async function listen(server: Listener, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function serveCaCert(req: IncomingMessage, res: ServerResponse, caCert: string): void {
  res.writeHead(200, {
    "content-type": "application/x-x509-ca-cert",
    "content-disposition": 'attachment; filename="headcount-ca.crt"',
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : caCert);
}

/** The certificates, or null (logged) when they cannot be made: the rest of the server still starts. */
function lanCertificates(dataDir: string, addresses: MachineAddresses, log: Logger): ReturnType<typeof ensureLanCertificates> | null {
  try {
    return ensureLanCertificates(dataDir, [...addresses.names, ...addresses.ips], `headcount local CA (${hostname()})`);
  } catch (err) {
    log.warn(`${err instanceof Error ? err.message : String(err)}; the LAN https origin is off (phones cannot capture), set HEADCOUNT_LAN_HTTPS_PORT=off to silence this`);
    return null;
  }
}

const isCaRequest = (req: IncomingMessage): boolean => (req.method === "GET" || req.method === "HEAD") && req.url?.split("?")[0] === CA_CERT_PATH;

/**
 * Starts the gRPC-Web endpoint and the LAN https origin as configured (either
 * may be off), and logs the address other devices should open.
 */
export async function startBrowserEdge(options: BrowserEdgeOptions): Promise<BrowserEdge> {
  const { config, log } = options;
  const addresses = machineAddresses();
  // Set once the ports (and so the allowed origins) are known, before anything is announced.
  let grpcWeb: GrpcWebHandler | undefined;
  const handleGrpcWeb = (req: IncomingMessage, res: ServerResponse): void => {
    if (grpcWeb) return grpcWeb(req, res);
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "1" }).end("starting\n");
  };

  let caCert: string | null = null;
  let httpsServer: https.Server | undefined;
  let httpsPort: number | null = null;
  const forwarder = createWebAppForwarder(config.webUpstream, log);
  const certs = config.lanHttpsPort === null ? null : lanCertificates(config.dataDir, addresses, log);
  if (config.lanHttpsPort !== null && certs) {
    if (certs.renewal) log.info({ reason: certs.renewal, names: certs.altNames, newCa: certs.created.ca }, "LAN https certificate issued");
    caCert = certs.caCert;
    const ca = certs.caCert;
    httpsServer = https.createServer({ cert: certs.certChain, key: certs.key }, (req, res) => {
      if (req.url?.startsWith(GRPC_WEB_PREFIX)) return handleGrpcWeb(req, res);
      if (isCaRequest(req)) return serveCaCert(req, res, ca);
      forwarder.forward(req, res);
    });
    httpsServer.on("upgrade", (req, socket, head) => forwarder.upgrade(req, socket, head));
    // A phone that refuses the certificate ends the handshake; that is not an error of ours.
    httpsServer.on("tlsClientError", (err) => log.debug({ err: err.message }, "TLS handshake failed"));
    httpsPort = await listen(httpsServer, config.lanHttpsPort, config.host);
  }

  let plainServer: http.Server | undefined;
  let grpcWebPort: number | null = null;
  if (config.grpcWebPort !== null) {
    const ca = caCert;
    plainServer = http.createServer((req, res) => (ca !== null && isCaRequest(req) ? serveCaCert(req, res, ca) : handleGrpcWeb(req, res)));
    grpcWebPort = await listen(plainServer, config.grpcWebPort, config.host);
    log.info({ host: config.host, port: grpcWebPort }, "gRPC-Web endpoint listening");
  }

  const webPort = Number(new URL(config.webUpstream).port || 80);
  const allowedOrigins = config.corsOrigins ?? ownOrigins(addresses, webPort, httpsPort, config.publicUrl);
  if (allowedOrigins === "*") {
    log.warn("HEADCOUNT_CORS_ORIGINS=*: any web page a visitor of this network opens may call this server from their browser (and pair cameras when no viewer password is set); list your origins instead");
  } else {
    log.info({ origins: config.corsOrigins ? allowedOrigins : `${allowedOrigins.length} origins of this machine's web app` }, "gRPC-Web CORS origins");
  }
  const upstreamHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  grpcWeb = createGrpcWebHandler({
    upstream: `http://${hostPort(upstreamHost, options.grpcPort)}`,
    allowedOrigins,
    maxRequestBytes: options.maxRequestBytes,
    streamIdleTimeoutMs: config.grpcWebIdleTimeoutMs,
    logger: log,
  });

  const links = deviceLinks({ publicUrl: config.publicUrl, bindHost: config.host, httpsPort, caHttpPort: grpcWebPort, addresses });
  if (httpsPort !== null) {
    const fields = { host: config.host, port: httpsPort, url: links.baseUrl, caCertificate: links.caCertUrl || undefined };
    const trust = `install ${links.caCertUrl || `${links.baseUrl}${CA_CERT_PATH}`} once, or accept the certificate warning`;
    if (isLoopbackHost(new URL(links.baseUrl).hostname)) {
      log.warn(fields, `LAN https origin listening at ${links.baseUrl}/, but no LAN address was found (or the server binds loopback): pairing links work on this machine only; set HEADCOUNT_PUBLIC_URL to an address other devices reach`);
    } else {
      log.info(fields, `LAN https origin listening: on phones and other devices open ${links.baseUrl}/ (${trust})`);
    }
  }

  const closeServer = async (server: Listener | undefined): Promise<void> => {
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };
  return {
    grpcWebPort,
    httpsPort,
    links,
    async close() {
      await Promise.all([closeServer(plainServer), closeServer(httpsServer)]);
      grpcWeb?.close();
      forwarder.close();
    },
  };
}
