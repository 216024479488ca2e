/**
 * A scripted implementation of the real headcount.v1.CaptureService on a real
 * @grpc/grpc-js server, for driving the gRPC-Web proxy in tests. Behaviour is
 * chosen by the request: `OpenSession` fails for camera "missing"; `WatchAcks`
 * runs the scenario named by its session_id (see {@link WatchScenario}).
 */
import * as grpc from "@grpc/grpc-js";
import { adaptService } from "@protobuf-ts/grpc-backend";
import { RpcError, type ServerCallContext } from "@protobuf-ts/runtime-rpc";
import {
  CaptureService,
  ReceiptStatus,
  type OpenSessionRequest,
  type OpenSessionResponse,
  type UploadFrameRequest,
  type UploadFrameResponse,
  type WatchAcksRequest,
  type WatchAcksResponse,
} from "@headcount/proto/capture";
import { FrameStatus } from "@headcount/proto/types";

/** The NOT_FOUND message for camera "missing": spaces, non-ASCII and '%' survive percent-encoding only if decoded right. */
export const NOT_FOUND_MESSAGE = "camera «missing» not found: café 漢字 100% sure";
/** The status message of the failing stream scenario. */
export const STREAM_FAILURE_MESSAGE = "session lost — détail";

/**
 * WatchAcks scenarios, by session_id:
 * - `ok:N`: N acks (seq 1..N), then OK with trailer `x-acks-sent: N`
 * - `fail:N`: N acks, then ABORTED with {@link STREAM_FAILURE_MESSAGE}
 * - `empty`: OK at once, no messages (a trailers-only response)
 * - `hold`: response headers (`x-session-id: hold`), then nothing until cancelled
 * - `gate`: ack 1, then waits for {@link CaptureTestServer.openGate}, then ack 2 and OK
 * - `flood:N:BYTES`: N acks with a BYTES-long detail, honouring write backpressure
 */
export type WatchScenario = string;

/** The running test server and what it observed. */
export interface CaptureTestServer {
  /** "127.0.0.1:port" */
  readonly address: string;
  readonly port: number;
  /** Resolves with the session_id of the next WatchAcks call the server sees cancelled. */
  nextCancel(): Promise<string>;
  /** Lets a waiting `gate` stream continue. */
  openGate(): void;
  /** Acks written so far by the current `flood` stream. */
  floodWritten(): number;
  close(): Promise<void>;
}

type WatchCall = grpc.ServerWritableStream<WatchAcksRequest, WatchAcksResponse>;

/** Starts the scripted CaptureService on 127.0.0.1 (port 0 unless given). */
export async function startCaptureTestServer(port = 0): Promise<CaptureTestServer> {
  const cancelWaiters: Array<(sessionId: string) => void> = [];
  let gate = deferred();
  let flood = 0;

  const service = {
    async openSession(request: OpenSessionRequest, context: ServerCallContext): Promise<OpenSessionResponse> {
      if (request.cameraId === "missing") throw new RpcError(NOT_FOUND_MESSAGE, "NOT_FOUND", { "x-reason": "no-such-camera" });
      context.sendResponseHeaders({ "x-session-id": `s-${request.cameraId}` });
      const echo = (name: string): string => String(context.headers[name] ?? "");
      context.trailers = {
        "x-echo-session-id": echo("x-session-id"),
        "x-echo-custom": echo("x-custom"),
        "x-echo-grpc-web": echo("x-grpc-web"),
        "x-echo-has-deadline": Number.isFinite(context.deadline.getTime()) ? "yes" : "no",
      };
      return { sessionId: `s-${request.cameraId}`, cameraId: request.cameraId, sessionToken: "", lines: [], zones: [] };
    },
    async uploadFrame(request: UploadFrameRequest): Promise<UploadFrameResponse> {
      return { seq: request.frame?.seq ?? 0, status: ReceiptStatus.ACCEPTED };
    },
    async watchAcks(): Promise<void> {},
    async streamFrames(): Promise<void> {
      throw new RpcError("not in this test", "UNIMPLEMENTED");
    },
    async closeSession(): Promise<never> {
      throw new RpcError("not in this test", "UNIMPLEMENTED");
    },
  };
  const [definition, implementation] = adaptService(CaptureService, service);

  // grpc-backend 2.11.1 ends failed server streams with call.destroy(err), which
  // grpc-js 1.14 sends without a status; this handler emits 'error' instead.
  const watchAcks: grpc.handleServerStreamingCall<WatchAcksRequest, WatchAcksResponse> = async (call: WatchCall): Promise<void> => {
    const scenario = call.request.sessionId;
    const [name, count = "0", bytes = "0"] = scenario.split(":");
    call.on("cancelled", () => cancelWaiters.shift()?.(scenario));
    const ack = (seq: number, detail = ""): WatchAcksResponse => ({
      cursor: seq,
      ack: { seq, status: FrameStatus.PROCESSED, detail, capturedAtMs: 0, receivedAtMs: 0, decodedWidth: 0, decodedHeight: 0, jpegBytes: 0, people: [], lineCounts: [], zoneCounts: [], placesChanged: false, lines: [], zones: [], detectionSkipped: false },
    });
    const send = (message: WatchAcksResponse): Promise<void> =>
      new Promise((resolve) => (call.write(message) ? resolve() : call.once("drain", resolve)));
    switch (name) {
      case "ok":
      case "fail":
        for (let seq = 1; seq <= Number(count); seq++) await send(ack(seq));
        if (name === "fail") return void call.emit("error", { code: grpc.status.ABORTED, details: STREAM_FAILURE_MESSAGE });
        return void call.end(metadataOf({ "x-acks-sent": count }));
      case "empty":
        return void call.end();
      case "hold":
        return call.sendMetadata(metadataOf({ "x-session-id": "hold" }));
      case "gate":
        await send(ack(1));
        await gate.promise;
        gate = deferred();
        await send(ack(2));
        return void call.end();
      case "flood":
        flood = 0;
        for (let seq = 1; seq <= Number(count) && !call.cancelled; seq++, flood++) await send(ack(seq, "x".repeat(Number(bytes))));
        return void call.end();
      default:
        call.emit("error", { code: grpc.status.INVALID_ARGUMENT, details: `unknown scenario ${scenario}` });
    }
  };

  implementation.watchAcks = watchAcks;

  const server = new grpc.Server();
  server.addService(definition, implementation);
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${boundPort}`,
    port: boundPort,
    nextCancel: () => new Promise((resolve) => cancelWaiters.push(resolve)),
    openGate: () => gate.resolve(),
    floodWritten: () => flood,
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function metadataOf(entries: Record<string, string>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}
