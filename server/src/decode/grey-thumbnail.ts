import sharp from "sharp";
import type { GreyImage } from "../motion/motion-measure.ts";
import { checkedJpegSize, DecodeError, messageOf } from "./jpeg-decoder.ts";

/** What {@link decodeGreyThumbnail} returns: the JPEG's size as sent, and the thumbnail. */
export interface GreyThumbnail {
  readonly width: number;
  readonly height: number;
  readonly grey: GreyImage;
}

/**
 * Decodes a JPEG at 1/8 of its size, in grey, for the motion check. libjpeg
 * decodes at 1/8 scale from the DC coefficients alone (shrink-on-load), so
 * this costs a fraction of a full decode. The same checks as `decodeJpeg`
 * come first, and a corrupt JPEG is rejected here as there.
 */
export async function decodeGreyThumbnail(bytes: Uint8Array, maxPixels: number): Promise<GreyThumbnail> {
  const { width, height } = checkedJpegSize(bytes, maxPixels);
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: "warning", sequentialRead: true })
      .resize({ width: Math.max(1, Math.ceil(width / 8)), height: Math.max(1, Math.ceil(height / 8)), fit: "fill", kernel: "nearest" })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width, height, grey: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) } };
  } catch (err) {
    throw new DecodeError(`corrupt JPEG: ${messageOf(err)}`);
  }
}
