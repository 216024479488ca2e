import * as grpc from "@grpc/grpc-js";
import { RpcError } from "@protobuf-ts/runtime-rpc";

/** Where unexpected errors are reported (a pino-like logger fits). */
export interface ErrorLogger {
  error(obj: object, msg: string): void;
}

/**
 * A failure a client caused or can act on, with the gRPC status it maps to.
 * Services throw these; the adapter turns them into statuses. Anything else
 * that escapes a handler is a bug: it becomes INTERNAL and is logged.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** The gRPC status names headcount's services use on purpose. */
export type DomainErrorCode =
  | "INVALID_ARGUMENT"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "UNAVAILABLE"
  | "CANCELLED"
  | "DEADLINE_EXCEEDED"
  | "ABORTED";

/**
 * The status a session ends with when a newer session for its camera took it
 * over (OpenSession on any replica). ABORTED is used for nothing else, so a
 * client can tell it apart: it is final (reconnecting would take the camera
 * back, and two devices would steal it from each other forever).
 */
export function cameraTakenOver(cameraId: string): DomainError {
  return new DomainError("ABORTED", `camera ${cameraId} is now capturing from another session (another device or page opened it); this session has stopped`);
}

/** Throws INVALID_ARGUMENT with `message` unless `condition` holds. */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DomainError("INVALID_ARGUMENT", message);
}

/**
 * The one table from errors to gRPC status. String codes (RpcError and
 * DomainError both use the names of `grpc.status`) become numbers here.
 */
export function toServiceError(err: unknown, where: string, log: ErrorLogger): Partial<grpc.ServiceError> {
  if (err instanceof DomainError || err instanceof RpcError) {
    const code = statusFromName(err.code);
    if (code !== undefined) return { code, details: err.message, metadata: new grpc.Metadata() };
  }
  log.error({ err, where }, "unexpected error in a call handler");
  return { code: grpc.status.INTERNAL, details: "internal error", metadata: new grpc.Metadata() };
}

/** `"NOT_FOUND"` -> `grpc.status.NOT_FOUND`; undefined for an unknown name. */
export function statusFromName(name: string): grpc.status | undefined {
  const value = (grpc.status as unknown as Record<string, unknown>)[name];
  return typeof value === "number" ? (value as grpc.status) : undefined;
}
