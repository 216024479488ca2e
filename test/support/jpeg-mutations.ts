/**
 * Byte-level edits of real JPEGs, for bad-input tests.
 */

/** A copy of `jpeg` whose frame header (SOF0..SOF2) claims `width` x `height`. */
export function withClaimedSize(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(jpeg);
  for (let i = 2; i + 9 < out.length; ) {
    if (out[i] !== 0xff) throw new Error(`not at a marker at byte ${i}`);
    const marker = out[i + 1]!;
    const length = (out[i + 2]! << 8) | out[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      out[i + 5] = height >> 8;
      out[i + 6] = height & 0xff;
      out[i + 7] = width >> 8;
      out[i + 8] = width & 0xff;
      return out;
    }
    i += 2 + length;
  }
  throw new Error("no SOF marker found");
}

/** The first `fraction` of the bytes: a JPEG cut off mid-scan. */
export function truncated(jpeg: Uint8Array, fraction = 0.5): Uint8Array {
  return jpeg.slice(0, Math.floor(jpeg.length * fraction));
}

/** A valid JPEG header followed by garbage where the image data should be. */
export function corruptedBody(jpeg: Uint8Array): Uint8Array {
  const out = Uint8Array.from(jpeg);
  for (let i = Math.floor(out.length * 0.3); i < out.length - 2; i++) out[i] = (i * 131) & 0xff;
  return out;
}
