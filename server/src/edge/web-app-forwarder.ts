/**
 * Forwards page requests of the LAN https origin to the Next app over plain
 * http on this machine, as Envoy's route to the web cluster does in the
 * Docker stack: the request streams through, hop-by-hop headers are dropped,
 * and X-Forwarded-* tell the app the browser's scheme, host and address.
 */
import http from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "../logger.ts";

/** Headers that describe one connection, not the message (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);

function forwardedHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const named = new Set((req.headers.connection ?? "").split(",").map((h) => h.trim().toLowerCase()));
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.has(name) && !named.has(name)) headers[name] = value;
  }
  const client = req.socket.remoteAddress ?? "";
  headers["x-forwarded-for"] = req.headers["x-forwarded-for"] ? `${String(req.headers["x-forwarded-for"])}, ${client}` : client;
  headers["x-forwarded-proto"] = "https";
  if (req.headers.host) headers["x-forwarded-host"] = req.headers.host;
  return headers;
}

/** Forwards requests (and WebSocket upgrades, for `next dev`) to the web app. */
export interface WebAppForwarder {
  forward(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Ends the kept-alive connections to the web app. */
  close(): void;
}

/** Creates a forwarder to `upstream` (an http origin such as http://127.0.0.1:3000). */
export function createWebAppForwarder(upstream: string, log: Logger): WebAppForwarder {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true });
  const options = (req: IncomingMessage, headers: IncomingHttpHeaders): http.RequestOptions => ({
    protocol: "http:",
    hostname: target.hostname.replace(/^\[|\]$/g, ""),
    port: target.port || 80,
    method: req.method,
    path: req.url,
    headers,
  });
  return {
    forward(req, res) {
      const outgoing = http.request({ ...options(req, forwardedHeaders(req)), agent }, (answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        answer.pipe(res);
        answer.on("error", () => res.destroy());
      });
      outgoing.on("error", (err) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        log.warn({ err: err.message, upstream }, "the web app did not answer a page request");
        res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
        res.end(`The headcount web app is not reachable at ${upstream}. Is it running (npm start starts it)?\n`);
      });
      // The browser went away: stop the upstream request too.
      res.on("close", () => {
        if (!res.writableFinished) outgoing.destroy();
      });
      req.pipe(outgoing);
    },
    upgrade(req, socket, head) {
      const headers = forwardedHeaders(req);
      headers.connection = "Upgrade";
      headers.upgrade = req.headers.upgrade;
      const outgoing = http.request(options(req, headers));
      outgoing.on("upgrade", (answer, upstreamSocket, upstreamHead) => {
        const lines = [`HTTP/1.1 101 ${answer.statusMessage ?? "Switching Protocols"}`];
        for (let i = 0; i < answer.rawHeaders.length; i += 2) lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
        socket.write(`${lines.join("\r\n")}\r\n\r\n`);
        if (upstreamHead.length) socket.write(upstreamHead);
        if (head.length) upstreamSocket.write(head);
        upstreamSocket.pipe(socket).pipe(upstreamSocket);
        upstreamSocket.on("error", () => socket.destroy());
        socket.on("error", () => upstreamSocket.destroy());
      });
      outgoing.on("response", (answer) => {
        socket.end(`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ""}\r\nconnection: close\r\n\r\n`);
        answer.resume();
      });
      outgoing.on("error", () => socket.destroy());
      socket.on("error", () => outgoing.destroy());
      outgoing.end();
    },
    close() {
      agent.destroy();
    },
  };
}
