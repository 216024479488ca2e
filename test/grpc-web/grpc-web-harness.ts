/**
 * Test harness for the gRPC-Web proxy: starts it on port 0, builds the two
 * independent gRPC-Web clients (protobuf-ts and connect-es), and offers a raw
 * HTTP client that parses gRPC-Web frames itself.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createFileRegistry, fromBinary, type DescService } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { GrpcWebFetchTransport } from "@protobuf-ts/grpcweb-transport";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { createGrpcWebProxy, type GrpcWebProxyOptions } from "../../server/src/grpc-web/grpc-web-proxy.ts";

const REPO = new URL("../../", import.meta.url).pathname;

/** A listening proxy and its base URL. */
export interface RunningProxy {
  readonly baseUrl: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1, port 0. */
export async function startProxy(options: GrpcWebProxyOptions): Promise<RunningProxy> {
  const server = createGrpcWebProxy(options);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The CaptureService descriptor for connect-es, built from the .proto at test
 * time with buf (offline) so no second copy of generated code is checked in.
 */
export async function loadCaptureDescService(): Promise<DescService> {
  const dir = await mkdtemp(join(tmpdir(), "grpc-web-image-"));
  try {
    const image = join(dir, "image.binpb");
    await promisify(execFile)(join(REPO, "node_modules/.bin/buf"), ["build", join(REPO, "proto"), "-o", image]);
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, await readFile(image)));
    const service = registry.getService("headcount.v1.CaptureService");
    if (!service) throw new Error("headcount.v1.CaptureService not in the buf image");
    return service;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A protobuf-ts CaptureServiceClient over gRPC-Web (binary or text). */
export function protobufTsClient(baseUrl: string, format: "binary" | "text", fetchImpl?: typeof fetch): CaptureServiceClient {
  return new CaptureServiceClient(new GrpcWebFetchTransport({ baseUrl, format, ...(fetchImpl ? { fetch: fetchImpl } : {}) }));
}

/** A connect-es client for `service` over gRPC-Web (binary). */
export function connectClient<S extends DescService>(service: S, baseUrl: string, fetchImpl?: typeof fetch): Client<S> {
  return createClient(service, createGrpcWebTransport({ baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) }));
}

/** A fetch that rewrites the request body before sending; for malformed-input tests. */
export function fetchRewritingBody(rewrite: (body: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> | string): typeof fetch {
  return async (input, init) => {
    const body = init?.body;
    const bytes = typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body as ArrayBuffer | Uint8Array);
    return fetch(input, { ...init, body: rewrite(bytes) });
  };
}

/** Wraps protobuf bytes in one gRPC-Web data frame. */
export function dataFrame(message: Uint8Array): Buffer<ArrayBuffer> {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** A gRPC-Web response read and parsed by the raw client. */
export interface RawGrpcWebResponse {
  status: number;
  headers: Headers;
  messages: Buffer[];
  /** Trailer frame fields (lower-case names), or undefined when none came. */
  trailer: Record<string, string> | undefined;
}

/** POSTs a raw gRPC-Web body and parses the frames of the answer (binary or text). */
export async function rawPost(url: string, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string>): Promise<RawGrpcWebResponse> {
  const response = await fetch(url, { method: "POST", body, headers });
  let bytes: Buffer = Buffer.from(await response.arrayBuffer());
  if ((response.headers.get("content-type") ?? "").startsWith("application/grpc-web-text")) {
    bytes = decodeConcatenatedBase64(bytes.toString("latin1"));
  }
  const messages: Buffer[] = [];
  let trailer: Record<string, string> | undefined;
  for (let i = 0; i + 5 <= bytes.length; ) {
    const length = bytes.readUInt32BE(i + 1);
    const payload = bytes.subarray(i + 5, i + 5 + length);
    if (bytes[i] === 0x80) trailer = parseTrailerBlock(payload.toString("latin1"));
    else messages.push(payload);
    i += 5 + length;
  }
  return { status: response.status, headers: response.headers, messages, trailer };
}

function decodeConcatenatedBase64(text: string): Buffer {
  // Separately encoded chunks may carry padding in the middle; decode group by group.
  const parts: Buffer[] = [];
  for (const piece of text.split(/(?<==)(?=[^=])/)) parts.push(Buffer.from(piece, "base64"));
  return Buffer.concat(parts);
}

function parseTrailerBlock(block: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return fields;
}
