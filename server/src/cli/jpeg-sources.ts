import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** One frame to send, with its time on the source's own clock. */
export interface SourceFrame {
  readonly jpeg: Uint8Array;
  /** Milliseconds since the first frame (video time for files, wall time for cameras). */
  readonly ptsMs: number;
}

/** How ffmpeg should re-encode a video or camera into JPEG frames. */
export interface EncodeOptions {
  /** Frames per second to take from the source. */
  readonly fps: number;
  /** Output width in pixels (height keeps the aspect ratio); 0 keeps the source size. */
  readonly width: number;
  /** ffmpeg's MJPEG quality, 2 (best) .. 31. */
  readonly qscale: number;
}

/**
 * Splits a byte stream of concatenated JPEGs (ffmpeg's image2pipe) into
 * single images. Inside entropy-coded data 0xFF is always stuffed (FF 00), so
 * FF D9 only ever marks the end of an image.
 */
export async function* splitJpegStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let buf = Buffer.alloc(0);
  for await (const chunk of chunks) {
    buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
    let start = buf.indexOf(Buffer.from([0xff, 0xd8]));
    while (start >= 0) {
      const end = buf.indexOf(Buffer.from([0xff, 0xd9]), start + 2);
      if (end < 0) break;
      yield new Uint8Array(buf.subarray(start, end + 2));
      buf = buf.subarray(end + 2);
      start = buf.indexOf(Buffer.from([0xff, 0xd8]));
    }
    if (start < 0) buf = Buffer.alloc(0);
    else if (start > 0) buf = buf.subarray(start);
  }
}

/** Frames from ffmpeg reading `input` with extra input arguments (a file, or a V4L2 device). */
async function* ffmpegFrames(inputArgs: string[], options: EncodeOptions): AsyncGenerator<SourceFrame> {
  const filters = [`fps=${options.fps}`];
  if (options.width > 0) filters.push(`scale=${options.width}:-2`);
  const child = spawn(
    "ffmpeg",
    ["-v", "error", "-nostdin", ...inputArgs, "-vf", filters.join(","), "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", String(options.qscale), "-"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", (err) => reject(new Error(`could not run ffmpeg (is it installed?): ${err.message}`)));
    child.once("close", resolve);
  });
  let index = 0;
  try {
    for await (const jpeg of splitJpegStream(child.stdout)) {
      yield { jpeg, ptsMs: (index++ * 1000) / options.fps };
    }
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg failed (exit ${code}): ${stderr.trim()}`);
  } finally {
    if (child.exitCode === null) child.kill("SIGTERM");
  }
}

/** Frames of a video file, resampled to `fps`. */
export function videoFrames(path: string, options: EncodeOptions): AsyncGenerator<SourceFrame> {
  return ffmpegFrames(["-i", path], options);
}

/** Frames of a V4L2 camera (e.g. /dev/video0 on a Pi). */
export function cameraFrames(device: string, options: EncodeOptions): AsyncGenerator<SourceFrame> {
  return ffmpegFrames(["-f", "v4l2", "-framerate", String(options.fps), "-i", device], options);
}

/** True for a path that names a JPEG file by its extension. */
export function isJpegPath(path: string): boolean {
  return /\.jpe?g$/i.test(path);
}

/** JPEG files in the order given, `fps` apart, sent as they are (not re-encoded). */
export async function* jpegFileFrames(paths: readonly string[], fps: number): AsyncGenerator<SourceFrame> {
  let index = 0;
  for (const path of paths) {
    yield { jpeg: new Uint8Array(await readFile(path)), ptsMs: (index++ * 1000) / fps };
  }
}

/** The .jpg/.jpeg files of a folder in name order, `fps` apart. */
export async function* folderFrames(dir: string, fps: number): AsyncGenerator<SourceFrame> {
  const names = (await readdir(dir)).filter(isJpegPath).sort();
  if (names.length === 0) throw new Error(`no .jpg files in ${dir}`);
  yield* jpegFileFrames(names.map((name) => join(dir, name)), fps);
}

/**
 * Passes `source` through, failing once it ends if it gave no frame at all
 * (ffmpeg exits 0 on a file it reads no video from): a run that sent nothing
 * must not look like a success.
 */
export async function* requireFrames(source: AsyncIterable<SourceFrame>, what: string): AsyncGenerator<SourceFrame> {
  let any = false;
  for await (const frame of source) {
    any = true;
    yield frame;
  }
  if (!any) throw new Error(`no frames could be read from ${what}`);
}
