import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

/** An HTTP server answering `GET /metrics` in Prometheus' text format, and 404 otherwise. */
export function createMetricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try GET /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${String(err)}\n`),
    );
  });
}
