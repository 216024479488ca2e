import sharp from "sharp";
import type { RgbaImage } from "../detect/detector.ts";
import { jpegSize } from "./jpeg-header.ts";

/** Why a frame could not be decoded; the text is shown to the client as is. */
export class DecodeError extends Error {
  override name = "DecodeError";
}

/** A decoded frame: its size as sent, and the pixels at the size the detector wants. */
export interface DecodedFrame {
  /** Width of the JPEG as encoded by the client. */
  readonly width: number;
  readonly height: number;
  /** RGBA pixels, shrunk to fit `fitWithin` when given (aspect ratio kept). */
  readonly image: RgbaImage;
}

/** Limits and target size for {@link decodeJpeg}. */
export interface DecodeOptions {
  /** Largest accepted width x height; bigger images are rejected before decoding. */
  readonly maxPixels: number;
  /** Shrink into this box (never enlarge); undefined keeps full resolution. */
  readonly fitWithin: { readonly width: number; readonly height: number } | undefined;
}

const JPEG_SOI = [0xff, 0xd8, 0xff];

/** True when the bytes start like a JPEG (SOI marker followed by another marker). */
export function looksLikeJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && JPEG_SOI.every((b, i) => bytes[i] === b);
}

/**
 * The size a JPEG claims, after the checks every decode starts with: it
 * looks like a JPEG, has a frame header, and is within `maxPixels` (checked
 * before decoding, so a "60000x60000" header costs nothing). Throws a
 * readable DecodeError otherwise.
 */
export function checkedJpegSize(bytes: Uint8Array, maxPixels: number): { width: number; height: number } {
  if (!looksLikeJpeg(bytes)) throw new DecodeError("not a JPEG: the data does not start with the JPEG SOI marker FF D8 FF");
  // The frame header gives the size without a trip through libvips.
  const size = jpegSize(bytes);
  if (!size) throw new DecodeError("corrupt JPEG: no frame header before the image data");
  const { width, height } = size;
  if (width <= 0 || height <= 0) throw new DecodeError("corrupt JPEG: the header gives no image size");
  if (width * height > maxPixels) throw new DecodeError(`image too large: ${width}x${height} is over the limit of ${maxPixels} pixels`);
  return size;
}

/**
 * Decodes a JPEG straight to RGBA at the size the detector needs. libjpeg's
 * shrink-on-load makes a large downscale cheaper than a full decode. Rejects,
 * with a readable DecodeError, anything that is not a well-formed JPEG or
 * whose header claims more pixels than allowed (checked before decoding, so a
 * "60000x60000" header costs nothing).
 */
export async function decodeJpeg(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedFrame> {
  const { width, height } = checkedJpegSize(bytes, options.maxPixels);
  try {
    let pipeline = sharp(bytes, { limitInputPixels: options.maxPixels, failOn: "warning", sequentialRead: true });
    const fit = options.fitWithin;
    // The detector's time does not depend on the input size (38.3 ms at
    // 534x401, 38.8 at 640x480, 38.7 at 800x600, measured side by side), so
    // shrinking is not about speed for small frames: a 640x480 frame decodes
    // in 5.1 ms of CPU unshrunk and 7.0 ms shrunk. It is kept for accuracy:
    // MediaPipe's own resize to 300x300 does not smooth, and fed unshrunk
    // frames the tracker saw more broken tracks on vtest (54 entries instead
    // of 45 for about 22 people). Large frames decode faster shrunk (libjpeg
    // shrinks by 2 while decoding: 1280x960 in 11 ms instead of 19).
    if (fit && (width > fit.width || height > fit.height)) {
      pipeline = pipeline.resize({ width: fit.width, height: fit.height, fit: "inside", kernel: "linear" });
    }
    const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.width <= 0 || info.height <= 0) throw new Error("no pixels");
    return { width, height, image: { width: info.width, height: info.height, data } };
  } catch (err) {
    throw new DecodeError(`corrupt JPEG: ${messageOf(err)}`);
  }
}

/** The first line of a libvips error, for a DecodeError's message. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // libvips messages end with a newline and sometimes name our input buffer; keep the first line.
  return text.split("\n")[0]?.trim() || "unreadable data";
}
