import { pino, type DestinationStream, type Logger } from "pino";

/** The server's structured logger: JSON lines with session ids, never image data. */
export type { Logger };

/** Creates the process logger at the configured level (stdout unless a destination is given, e.g. by a test). */
export function createLogger(level: "debug" | "info" | "warn" | "error" | "silent", destination?: DestinationStream): Logger {
  const options = { level, base: { service: "headcount-server" } };
  return destination ? pino(options, destination) : pino(options);
}
