/**
 * The logger the gRPC-Web endpoint writes to: a pino-compatible subset, so the
 * server's logger can be passed as is.
 */
export interface GrpcWebLogger {
  /** Something went wrong that the proxy handled (a broken upstream, a bad request). */
  warn(obj: Record<string, unknown>, msg: string): void;
  /** Routine detail; optional. */
  debug?(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that drops everything; the default when none is given. */
export const silentLogger: GrpcWebLogger = { warn() {} };
