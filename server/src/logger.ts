import { pino, type Logger } from "pino";

/** The server's structured logger: JSON lines with session ids, never image data. */
export type { Logger };

/** Creates the process logger at the configured level. */
export function createLogger(level: "debug" | "info" | "warn" | "error" | "silent"): Logger {
  return pino({ level, base: { service: "headcount-server" } });
}
