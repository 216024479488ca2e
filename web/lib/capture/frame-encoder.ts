/**
 * Grabs the current video frame, scales it to the chosen width and encodes it
 * as JPEG. Browser-only (canvas), but {@link scaledSize} is pure.
 */

/** One encoded frame, ready for UploadFrame. */
export interface EncodedFrame {
  readonly jpeg: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** The capture widths offered on the page. */
export const CAPTURE_WIDTHS = [320, 480, 640, 960, 1280] as const;

/**
 * The encoded size for a source of `sourceWidth` x `sourceHeight` at
 * `targetWidth`: the aspect ratio is kept and both sides are even (JPEG
 * chroma subsampling works on 2x2 blocks; odd sizes make some decoders pad).
 */
export function scaledSize(
  sourceWidth: number,
  sourceHeight: number,
  targetWidth: number,
): { readonly width: number; readonly height: number } {
  if (!(sourceWidth > 0 && sourceHeight > 0 && targetWidth > 0)) {
    throw new RangeError(`cannot scale ${sourceWidth}x${sourceHeight} to width ${targetWidth}`);
  }
  const width = Math.max(2, 2 * Math.round(targetWidth / 2));
  const height = Math.max(2, 2 * Math.round((width * sourceHeight) / sourceWidth / 2));
  return { width, height };
}

/** Clamps a JPEG quality to the range the page offers (0.3..0.95). */
export function clampQuality(quality: number): number {
  if (!Number.isFinite(quality)) return 0.7;
  return Math.min(0.95, Math.max(0.3, quality));
}

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement;
type AnyContext = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/**
 * Reuses one canvas for every frame. Uses OffscreenCanvas where available
 * (its convertToBlob does not need the canvas in the DOM) and falls back to a
 * detached <canvas> with toBlob (older Safari).
 */
export class FrameEncoder {
  #canvas: AnyCanvas | null = null;
  #context: AnyContext | null = null;

  /**
   * Encodes the video's current frame; returns null when the video has no
   * frame yet (not playing, zero size).
   */
  async encode(video: HTMLVideoElement, targetWidth: number, quality: number): Promise<EncodedFrame | null> {
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0 || video.videoHeight === 0) {
      return null;
    }
    const { width, height } = scaledSize(video.videoWidth, video.videoHeight, targetWidth);
    const context = this.#contextFor(width, height);
    context.drawImage(video, 0, 0, width, height);
    const blob = await this.#toJpeg(clampQuality(quality));
    return { jpeg: new Uint8Array(await blob.arrayBuffer()), width, height };
  }

  #contextFor(width: number, height: number): AnyContext {
    if (!this.#canvas || !this.#context) {
      this.#canvas =
        typeof OffscreenCanvas === "function" ? new OffscreenCanvas(width, height) : document.createElement("canvas");
      // alpha:false: JPEG has no alpha, and an opaque canvas skips premultiplication.
      const context = this.#canvas.getContext("2d", { alpha: false }) as AnyContext | null;
      if (!context) throw new Error("this browser cannot draw video frames to a 2D canvas");
      this.#context = context;
    }
    if (this.#canvas.width !== width) this.#canvas.width = width;
    if (this.#canvas.height !== height) this.#canvas.height = height;
    return this.#context;
  }

  #toJpeg(quality: number): Promise<Blob> {
    const canvas = this.#canvas;
    if (!canvas) return Promise.reject(new Error("no canvas"));
    if ("convertToBlob" in canvas) return canvas.convertToBlob({ type: "image/jpeg", quality });
    return new Promise((resolve, reject) => {
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error("JPEG encoding failed"))),
        "image/jpeg",
        quality,
      );
    });
  }
}
