/**
 * The two independent gRPC-Web clients behind one small interface, so every
 * behaviour is checked with both: protobuf-ts GrpcWebFetchTransport and
 * connect-es createGrpcWebTransport. Results keep what each client really
 * reports (codes as gRPC numbers, messages as the client shows them).
 */
import type { DescService } from "@bufbuild/protobuf";
import { ConnectError, type CallOptions } from "@connectrpc/connect";
import { GrpcStatusCode } from "@protobuf-ts/grpcweb-transport";
import { RpcError, type RpcMetadata } from "@protobuf-ts/runtime-rpc";
import { connectClient, protobufTsClient } from "./grpc-web-harness.ts";

/** Per-call options understood by both adapters. */
export interface CallSettings {
  headers?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with the response headers as soon as the client has them. */
  onHeaders?: (headers: Record<string, string>) => void;
  /** Called with each streamed ack's seq as it arrives. */
  onAck?: (seq: number) => void;
}

/** What a finished call returned. */
export interface CallResult<T> {
  value: T;
  headers: Record<string, string>;
  trailers: Record<string, string>;
}

/** A failed call as the client reported it. */
export class ClientCallError extends Error {
  constructor(
    readonly code: number,
    readonly shownMessage: string,
  ) {
    super(`gRPC ${code}: ${shownMessage}`);
  }
}

/** One gRPC-Web client under test. */
export interface WebClient {
  readonly name: string;
  /** Whether the client percent-decodes grpc-message itself. */
  readonly decodesGrpcMessage: boolean;
  openSession(cameraId: string, settings?: CallSettings): Promise<CallResult<{ sessionId: string }>>;
  /** Runs WatchAcks to the end and returns the seqs received. */
  watchAcks(scenario: string, settings?: CallSettings): Promise<CallResult<number[]>>;
}

/** The protobuf-ts client (binary or text format). */
export function protobufTsWebClient(baseUrl: string, format: "binary" | "text", fetchImpl?: typeof fetch): WebClient {
  const client = protobufTsClient(baseUrl, format, fetchImpl);
  const options = (s: CallSettings) => ({
    ...(s.headers ? { meta: s.headers } : {}),
    ...(s.timeoutMs ? { timeout: s.timeoutMs } : {}),
    ...(s.signal ? { abort: s.signal } : {}),
  });
  return {
    name: `protobuf-ts ${format}`,
    decodesGrpcMessage: false,
    async openSession(cameraId, s = {}) {
      return protobufTsCall(async () => {
        const call = client.openSession({ cameraId, cameraName: "" }, options(s));
        const headers = flat(await call.headers);
        s.onHeaders?.(headers);
        return { value: { sessionId: (await call.response).sessionId }, headers, trailers: flat(await call.trailers) };
      });
    },
    async watchAcks(sessionId, s = {}) {
      return protobufTsCall(async () => {
        const call = client.watchAcks({ sessionId, resumeAfterSeq: 0 }, options(s));
        void call.headers.then((h) => s.onHeaders?.(flat(h)), () => {});
        const seqs: number[] = [];
        for await (const message of call.responses) {
          seqs.push(message.ack?.seq ?? -1);
          s.onAck?.(message.ack?.seq ?? -1);
        }
        return { value: seqs, headers: flat(await call.headers), trailers: flat(await call.trailers) };
      });
    },
  };
}

// The service comes from a runtime descriptor (buf image), so connect's
// Client<DescService> carries no static field types; this is the subset used.
interface ConnectCapture {
  openSession(request: { cameraId: string }, options?: CallOptions): Promise<{ sessionId: string }>;
  watchAcks(request: { sessionId: string }, options?: CallOptions): AsyncIterable<{ ack?: { seq: number } }>;
}

/** The connect-es client (binary format; connect-es has no text format). */
export function connectWebClient(service: DescService, baseUrl: string, fetchImpl?: typeof fetch): WebClient {
  const client = connectClient(service, baseUrl, fetchImpl) as unknown as ConnectCapture;
  const run = async <T>(s: CallSettings, body: (options: CallOptions) => Promise<T>): Promise<CallResult<T>> => {
    let headers: Record<string, string> = {};
    let trailers: Record<string, string> = {};
    const options: CallOptions = {
      ...(s.headers ? { headers: s.headers } : {}),
      ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
      ...(s.signal ? { signal: s.signal } : {}),
      onHeader: (h) => {
        headers = fromHeaders(h);
        s.onHeaders?.(headers);
      },
      onTrailer: (t) => (trailers = fromHeaders(t)),
    };
    try {
      const value = await body(options);
      return { value, headers, trailers };
    } catch (error) {
      if (error instanceof ConnectError) throw new ClientCallError(error.code, error.rawMessage);
      throw error;
    }
  };
  return {
    name: "connect-es binary",
    decodesGrpcMessage: true,
    openSession: (cameraId, s = {}) => run(s, async (o) => ({ sessionId: (await client.openSession({ cameraId }, o)).sessionId })),
    watchAcks: (sessionId, s = {}) =>
      run(s, async (o) => {
        const seqs: number[] = [];
        for await (const message of client.watchAcks({ sessionId }, o)) {
          seqs.push(message.ack?.seq ?? -1);
          s.onAck?.(message.ack?.seq ?? -1);
        }
        return seqs;
      }),
  };
}

async function protobufTsCall<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof RpcError) {
      throw new ClientCallError(GrpcStatusCode[error.code as keyof typeof GrpcStatusCode], error.message);
    }
    throw error;
  }
}

function flat(meta: RpcMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) out[key] = typeof value === "string" ? value : value.join(", ");
  return out;
}

function fromHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => (out[key] = value));
  return out;
}
