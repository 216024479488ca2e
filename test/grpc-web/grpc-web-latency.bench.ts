/**
 * Unary round-trip latency through the gRPC-Web proxy versus native gRPC,
 * measured side by side (calls interleaved) against the same test server:
 * a tiny OpenSession and an UploadFrame carrying a 100 KiB "JPEG".
 * Run: node --import tsx test/grpc-web/grpc-web-latency.bench.ts [calls]
 */
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import { GrpcTransport } from "@protobuf-ts/grpc-transport";
import { CaptureServiceClient } from "@headcount/proto/capture-client";
import { startCaptureTestServer } from "./capture-test-service.ts";
import { connectClient, loadCaptureDescService, protobufTsClient, startProxy } from "./grpc-web-harness.ts";

const calls = Number(process.argv[2] ?? 200);
const warmup = 30;

type Contender = [name: string, call: () => Promise<unknown>];

/** Runs the contenders interleaved and prints median, p90 and p99 per contender. */
async function compare(title: string, contenders: Contender[]): Promise<void> {
  const samples = contenders.map(() => [] as number[]);
  for (let i = 0; i < warmup + calls; i++) {
    for (const [index, [, call]] of contenders.entries()) {
      const start = performance.now();
      await call();
      if (i >= warmup) samples[index]!.push(performance.now() - start);
    }
  }
  const at = (sorted: number[], q: number): string => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3);
  console.log(`\n${title}: ${calls} calls each, interleaved, after ${warmup} warm-up calls (ms)`);
  for (const [index, [name]] of contenders.entries()) {
    const sorted = [...samples[index]!].sort((a, b) => a - b);
    console.log(`  ${name.padEnd(42)} median ${at(sorted, 0.5)}  p90 ${at(sorted, 0.9)}  p99 ${at(sorted, 0.99)}`);
  }
}

/** Starts the test server, the proxy and all clients, and runs both comparisons. */
async function main(): Promise<void> {
  const upstream = await startCaptureTestServer();
  const proxy = await startProxy({ upstream: `http://${upstream.address}`, allowedOrigins: "*" });
  const transport = new GrpcTransport({ host: upstream.address, channelCredentials: grpc.credentials.createInsecure() });
  const native = new CaptureServiceClient(transport);
  const binary = protobufTsClient(proxy.baseUrl, "binary");
  const text = protobufTsClient(proxy.baseUrl, "text");
  // Runtime descriptor: connect's client has no static method types here.
  const connect = connectClient(await loadCaptureDescService(), proxy.baseUrl) as unknown as Record<string, (request: object) => Promise<unknown>>;

  const open = { cameraId: "bench", cameraName: "" };
  await compare("unary OpenSession (tiny messages)", [
    ["native gRPC, GrpcTransport direct", () => native.openSession(open).response],
    ["gRPC-Web binary, protobuf-ts via proxy", () => binary.openSession(open).response],
    ["gRPC-Web text, protobuf-ts via proxy", () => text.openSession(open).response],
    ["gRPC-Web binary, connect-es via proxy", () => connect.openSession!({ cameraId: "bench" })],
  ]);
  const jpeg = new Uint8Array(100 * 1024).map((_, i) => (i * 31) & 0xff);
  const upload = { sessionId: "s", frame: { seq: 1, capturedAtMs: 0, jpeg, width: 640, height: 480 } };
  await compare("unary UploadFrame with a 100 KiB JPEG", [
    ["native gRPC, GrpcTransport direct", () => native.uploadFrame(upload).response],
    ["gRPC-Web binary, protobuf-ts via proxy", () => binary.uploadFrame(upload).response],
    ["gRPC-Web text, protobuf-ts via proxy", () => text.uploadFrame(upload).response],
    ["gRPC-Web binary, connect-es via proxy", () => connect.uploadFrame!(upload)],
  ]);

  transport.close();
  await proxy.close();
  await upstream.close();
}

void main();
