import { jpegSize } from "../../server/src/decode/jpeg-header.ts";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { vtestVideo } from "../support/paths.ts";

/** Real JPEG frames for the benchmarks, and where they came from. */
export interface BenchFrames {
  readonly jpegs: readonly Buffer[];
  readonly width: number;
  readonly height: number;
  readonly meanBytes: number;
  /** One line for the report: source clip, cut, scaling. */
  readonly description: string;
}

/** Frame size every benchmark uses (issue 6: "real 640x480 JPEG frames"). */
export const BENCH_WIDTH = 640;
export const BENCH_HEIGHT = 480;

/**
 * 640x480 JPEGs from the PETS 2009 clip (`vtest.avi`, 768x576). The clip is
 * 4:3 like the target, so a plain scale gives 640x480: no padding, no crop.
 * Several seconds of walking pedestrians, so the detector and tracker see
 * varied, realistic content (3 to 8 people) rather than one repeated image.
 */
export function loadBenchFrames(count = 100): BenchFrames {
  const cut = { startS: 0, count, fps: 10, width: BENCH_WIDTH, qscale: 4 };
  const jpegs = extractJpegFrames(vtestVideo, cut);
  if (jpegs.length === 0) throw new Error(`ffmpeg produced no frames from ${vtestVideo}`);
  for (const [i, jpeg] of jpegs.entries()) {
    const size = jpegSize(jpeg);
    if (size?.width !== BENCH_WIDTH || size.height !== BENCH_HEIGHT) {
      throw new Error(`frame ${i} is ${size?.width}x${size?.height}, expected ${BENCH_WIDTH}x${BENCH_HEIGHT}`);
    }
  }
  const meanBytes = Math.round(jpegs.reduce((n, j) => n + j.length, 0) / jpegs.length);
  return {
    jpegs,
    width: BENCH_WIDTH,
    height: BENCH_HEIGHT,
    meanBytes,
    description:
      `${jpegs.length} JPEG frames ${BENCH_WIDTH}x${BENCH_HEIGHT} (mean ${(meanBytes / 1024).toFixed(1)} KiB), ` +
      `vtest.avi 768x576 from ${cut.startS} s at ${cut.fps} fps, scaled (4:3, no pad or crop), ffmpeg -q:v ${cut.qscale}`,
  };
}
