import type { Frame } from "@headcount/proto/capture";
import { looksLikeJpeg } from "../decode/jpeg-decoder.ts";
import type { ServerConfig } from "../config.ts";
import { DomainError } from "./errors.ts";

const MAX_DIMENSION = 16_384;
/** Capture times more than a day away from the server's clock are garbage, not clock skew. */
const MAX_CLOCK_SKEW_MS = 24 * 3600 * 1000;

/**
 * The cheap checks made before a frame is queued: size, magic bytes,
 * dimensions, timestamp. Returns the error to answer with, or null. Decoding
 * problems (a corrupt body) are found later by the decoder and acked as rejected.
 */
export function checkFrame(frame: Frame, limits: ServerConfig["limits"], nowMs = Date.now()): DomainError | null {
  if (frame.jpeg.length === 0) return new DomainError("INVALID_ARGUMENT", "frame.jpeg is empty");
  if (frame.jpeg.length > limits.maxFrameBytes) {
    return new DomainError(
      "RESOURCE_EXHAUSTED",
      `frame is ${frame.jpeg.length} bytes, over the limit of ${limits.maxFrameBytes}; lower the JPEG quality or width`,
    );
  }
  if (!looksLikeJpeg(frame.jpeg)) {
    return new DomainError("INVALID_ARGUMENT", "frame.jpeg is not a JPEG (it must start with FF D8 FF)");
  }
  if (frame.width > MAX_DIMENSION || frame.height > MAX_DIMENSION) {
    return new DomainError("INVALID_ARGUMENT", `frame size ${frame.width}x${frame.height} is not plausible`);
  }
  if (frame.width * frame.height > limits.maxPixels) {
    return new DomainError(
      "RESOURCE_EXHAUSTED",
      `frame is ${frame.width}x${frame.height}, over the limit of ${limits.maxPixels} pixels`,
    );
  }
  if (frame.capturedAtMs !== 0 && Math.abs(frame.capturedAtMs - nowMs) > MAX_CLOCK_SKEW_MS) {
    return new DomainError("INVALID_ARGUMENT", `frame.captured_at_ms ${frame.capturedAtMs} is more than a day away from the server's clock`);
  }
  return null;
}
