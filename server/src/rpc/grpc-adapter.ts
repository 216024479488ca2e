import * as grpc from "@grpc/grpc-js";
import { createContext, createDefinition } from "@protobuf-ts/grpc-backend";
import {
  RpcError,
  RpcOutputStreamController,
  type RpcInputStream,
  type ServerCallContext,
  type ServiceInfo,
} from "@protobuf-ts/runtime-rpc";
import { toServiceError, type ErrorLogger } from "./errors.ts";

type StreamingCall = grpc.ServerWritableStream<object, object> | grpc.ServerDuplexStream<object, object>;

/**
 * Adapts a protobuf-ts service implementation (`server_generic` style) to
 * @grpc/grpc-js, like `adaptService` from @protobuf-ts/grpc-backend, but with
 * streaming calls that end with a real status.
 *
 * Why not `adaptService` itself: grpc-backend 2.11.1 ends a failed
 * server-streaming call with `call.destroy(err)`, which grpc-js 1.14 turns
 * into no status at all, so the client hangs until its deadline. grpc-js sends
 * a status when the stream emits `error` (it records the status and ends), so
 * that is what this adapter does. It also maps string `RpcError` codes
 * ("NOT_FOUND") to numeric statuses in one place (`toServiceError`).
 */
export function adaptServiceWithStatus(
  info: ServiceInfo,
  implementation: object,
  log: ErrorLogger,
): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const impl: grpc.UntypedServiceImplementation = {};
  const methods = implementation as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const mi of info.methods) {
    const fn = methods[mi.localName];
    if (typeof fn !== "function") throw new Error(`${info.typeName}: implementation is missing ${mi.localName}()`);
    const method = fn.bind(implementation);
    const where = `${info.typeName}/${mi.name}`;
    if (!mi.serverStreaming && !mi.clientStreaming) {
      impl[mi.localName] = (call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
        const ctx = createContext(info, mi, call);
        method(call.request, ctx).then(
          (response) => finishUnary(ctx, callback, response as object, where, log),
          (err: unknown) => callback(toServiceError(err, where, log)),
        );
      };
    } else if (mi.serverStreaming && !mi.clientStreaming) {
      impl[mi.localName] = (call: grpc.ServerWritableStream<object, object>) => {
        const ctx = createContext(info, mi, call);
        const out = outputOf(call);
        method(call.request, out, ctx).then(
          () => finishStream(call, ctx, where, log),
          (err: unknown) => failStream(call, err, where, log),
        );
      };
    } else if (mi.serverStreaming && mi.clientStreaming) {
      impl[mi.localName] = (call: grpc.ServerDuplexStream<object, object>) => {
        const ctx = createContext(info, mi, call);
        const requests = new RpcOutputStreamController<object>();
        let inputOpen = true;
        call.on("data", (m: object) => inputOpen && requests.notifyMessage(m));
        call.on("end", () => {
          if (inputOpen) requests.notifyComplete();
          inputOpen = false;
        });
        // A call cancelled mid-input never sends "end": fail the input so readers stop.
        call.on("cancelled", () => {
          if (inputOpen) requests.notifyError(new RpcError("the client cancelled the call", "CANCELLED"));
          inputOpen = false;
        });
        method(requests, outputOf(call), ctx).then(
          () => finishStream(call, ctx, where, log),
          (err: unknown) => failStream(call, err, where, log),
        );
      };
    } else {
      throw new Error(`${where}: client streaming is not used by headcount`);
    }
  }
  return [createDefinition(info), impl];
}

/** The response side of a streaming call, resolving when grpc-js has taken the message. */
function outputOf(call: StreamingCall): RpcInputStream<object> {
  return {
    send: (message) =>
      new Promise<void>((resolve) => {
        if (call.cancelled || call.writableEnded) return resolve();
        call.write(message, () => resolve());
      }),
    complete: () => Promise.resolve(),
  };
}

function finishUnary(
  ctx: ServerCallContext,
  callback: grpc.sendUnaryData<object>,
  response: object,
  where: string,
  log: ErrorLogger,
): void {
  if (ctx.status.code !== "OK") {
    callback(toServiceError(new RpcError(ctx.status.detail, ctx.status.code), where, log));
    return;
  }
  callback(null, response, trailersOf(ctx));
}

function finishStream(call: StreamingCall, ctx: ServerCallContext, where: string, log: ErrorLogger): void {
  if (call.cancelled || call.writableEnded) return;
  if (ctx.status.code !== "OK") {
    call.emit("error", toServiceError(new RpcError(ctx.status.detail, ctx.status.code), where, log));
    return;
  }
  call.end(trailersOf(ctx));
}

function failStream(call: StreamingCall, err: unknown, where: string, log: ErrorLogger): void {
  const serviceError = toServiceError(err, where, log);
  if (call.cancelled || call.writableEnded) return;
  // grpc-js records the status of an emitted error and ends the call with it.
  call.emit("error", serviceError);
}

function trailersOf(ctx: ServerCallContext): grpc.Metadata {
  const md = new grpc.Metadata();
  for (const [key, value] of Object.entries(ctx.trailers)) {
    for (const v of Array.isArray(value) ? value : [value]) md.add(key, v);
  }
  return md;
}
