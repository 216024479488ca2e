/**
 * A detector that finds nothing: detection switched off, so a benchmark
 * measures the transport and decoding alone.
 */
import type { Detection, Detector, RgbaImage } from "./detector.ts";

/** Creates a detector that always returns no people and asks for full-resolution frames. */
export function createNoopDetector(): Detector {
  let closed = false;
  return {
    name: "noop",
    inputSize: undefined,
    detect(_image: RgbaImage, _timestampMs: number): Detection[] {
      if (closed) throw new Error("detector is closed");
      return [];
    },
    close(): void {
      closed = true;
    },
  };
}
