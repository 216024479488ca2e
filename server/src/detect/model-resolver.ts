/**
 * Finds the person detection model: the file named by HEADCOUNT_MODEL, else a
 * cached copy, else (only when allowed) a one-time download of MediaPipe's
 * recommended EfficientDet-Lite0, checked against a pinned sha256.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { join } from "node:path";

/** A model that may be downloaded, with the digest it must have. */
export interface ModelDownload {
  readonly label: string;
  readonly url: string;
  /** Lower-case hex sha256 of the file; without it nothing is downloaded. */
  readonly sha256: string | undefined;
  /** Name of the cached copy inside `cacheDir`. */
  readonly fileName: string;
}

/**
 * sha256 of MediaPipe's EfficientDet-Lite0 float32 v1 build (13,836,895 bytes),
 * as published with the file and agreed by independent mirrors. The float32
 * build is used because it is the one with a known digest, and CPU inference
 * gains nothing from float16 weights.
 */
export const EFFICIENTDET_LITE0_SHA256: string | undefined = "40338edf5ec70d43e318b0a716a84d4564cd1802759a7a07170c7e43796dbf58";

/** MediaPipe's recommended object detection model, from its official model URL. */
export const EFFICIENTDET_LITE0: ModelDownload = {
  label: "EfficientDet-Lite0",
  url: "https://storage.googleapis.com/mediapipe-models/object_detector/efficientdet_lite0/float32/1/efficientdet_lite0.tflite",
  sha256: EFFICIENTDET_LITE0_SHA256,
  fileName: "efficientdet_lite0.float32.v1.tflite",
};

/** Options for {@link resolveModel}. */
export interface ResolveModelOptions {
  /** HEADCOUNT_MODEL: a `.tflite` file to use as is. */
  readonly modelPath?: string;
  readonly cacheDir: string;
  readonly allowDownload: boolean;
  readonly log: (line: string) => void;
  /** What to download; defaults to {@link EFFICIENTDET_LITE0} (tests inject a local server). */
  readonly download?: ModelDownload;
}

/** The model bytes and where they came from (a path or a URL). */
export interface ResolvedModel {
  readonly bytes: Uint8Array;
  readonly source: string;
}

/** A model problem the user can fix; the message says how. */
export class ModelError extends Error {
  override readonly name = "ModelError";
}

const MAX_MODEL_BYTES = 256 * 1024 * 1024;
const REDIRECTS = 5;
const IDLE_TIMEOUT_MS = 30_000;

/** Resolves the model as described in the file comment; throws {@link ModelError}. */
export async function resolveModel(options: ResolveModelOptions): Promise<ResolvedModel> {
  if (options.modelPath) {
    const bytes = await readModelFile(options.modelPath, `HEADCOUNT_MODEL=${options.modelPath}`);
    return { bytes, source: options.modelPath };
  }
  const download = options.download ?? EFFICIENTDET_LITE0;
  const cached = join(options.cacheDir, download.fileName);
  const cachedBytes = await readModelFile(cached, cached, true).catch((error: unknown) => {
    options.log(`model: ignoring cached copy: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (cachedBytes && (!download.sha256 || sha256(cachedBytes) === download.sha256)) return { bytes: cachedBytes, source: cached };
  if (cachedBytes) options.log(`model: ignoring ${cached}: its sha256 does not match ${download.label}`);
  if (!options.allowDownload) {
    throw new ModelError(`No person detection model. Set HEADCOUNT_MODEL to a .tflite file (for example ../shared/models/ssd_mobilenet_v1_person.tflite), or allow the one-time download of ${download.label} into ${options.cacheDir}.`);
  }
  if (!download.sha256) {
    throw new ModelError(`Cannot download ${download.label}: its sha256 is not pinned yet (EFFICIENTDET_LITE0_SHA256 in model-resolver.ts). Set HEADCOUNT_MODEL to a .tflite file instead.`);
  }
  options.log(`model: downloading ${download.label} (once) from ${download.url}`);
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(download.url, REDIRECTS, progressLogger(download.label, options.log));
  } catch (error) {
    throw new ModelError(`Could not download ${download.label} from ${download.url} (${error instanceof Error ? error.message : String(error)}). Offline? Set HEADCOUNT_MODEL to a .tflite file.`, { cause: error });
  }
  const digest = sha256(bytes);
  if (digest !== download.sha256) throw new ModelError(`Downloaded ${download.label} has sha256 ${digest}, expected ${download.sha256}; not using it.`);
  assertTflite(bytes, download.url);
  await writeAtomically(cached, bytes);
  options.log(`model: saved ${download.label} to ${cached}`);
  return { bytes, source: download.url };
}

/** Throws a {@link ModelError} unless `bytes` looks like a TFLite flatbuffer ("TFL3" at bytes 4..8). */
export function assertTflite(bytes: Uint8Array, origin: string): void {
  if (bytes.length < 16) throw new ModelError(`${origin} is not a .tflite model: only ${bytes.length} bytes.`);
  const id = String.fromCharCode(...bytes.subarray(4, 8));
  if (id !== "TFL3") throw new ModelError(`${origin} is not a .tflite model: no "TFL3" identifier at byte 4.`);
}

/**
 * The model's input image size, read from the flatbuffer (first input of the
 * first subgraph, shape [1, height, width, channels]); `undefined` when the
 * file does not have that shape.
 */
export function tfliteInputSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const root = view.getUint32(0, true);
    const subgraph = vectorTable(view, field(view, root, 2), 0);
    const inputs = vector(view, field(view, subgraph, 1));
    const tensor = vectorTable(view, field(view, subgraph, 0), view.getInt32(inputs.start, true));
    const shape = vector(view, field(view, tensor, 0));
    const dims = Array.from({ length: shape.length }, (_, i) => view.getInt32(shape.start + 4 * i, true));
    const [, height, width] = dims;
    return dims.length === 4 && height && width && height > 0 && width > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

// Flatbuffer reading: `field` returns the absolute position of a table
// field (which holds an offset for vectors and sub-tables).
function field(view: DataView, table: number, index: number): number {
  const vtable = table - view.getInt32(table, true);
  const slot = 4 + 2 * index;
  const offset = slot < view.getUint16(vtable, true) ? view.getUint16(vtable + slot, true) : 0;
  if (offset === 0) throw new Error(`flatbuffer field ${index} missing`);
  return table + offset;
}
function vector(view: DataView, fieldPos: number): { start: number; length: number } {
  const at = fieldPos + view.getUint32(fieldPos, true);
  return { start: at + 4, length: view.getUint32(at, true) };
}
function vectorTable(view: DataView, fieldPos: number, index: number): number {
  const { start, length } = vector(view, fieldPos);
  if (index < 0 || index >= length) throw new RangeError(`flatbuffer index ${index} out of range`);
  const element = start + 4 * index;
  return element + view.getUint32(element, true);
}

async function readModelFile(path: string, origin: string, optional: true): Promise<Uint8Array | undefined>;
async function readModelFile(path: string, origin: string): Promise<Uint8Array>;
async function readModelFile(path: string, origin: string, optional = false): Promise<Uint8Array | undefined> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (optional && error.code === "ENOENT") return undefined;
    throw new ModelError(error.code === "ENOENT" ? `${origin}: no such file.` : `${origin}: ${error.message}`);
  });
  if (!info) return undefined;
  if (!info.isFile()) throw new ModelError(`${origin} is not a file.`);
  if (info.size > MAX_MODEL_BYTES) throw new ModelError(`${origin} is not a .tflite model: ${info.size} bytes is too large.`);
  const bytes = new Uint8Array(await readFile(path));
  assertTflite(bytes, origin);
  return bytes;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

async function writeAtomically(target: string, bytes: Uint8Array): Promise<void> {
  await mkdir(join(target, ".."), { recursive: true });
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.part`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function progressLogger(label: string, log: (line: string) => void): (received: number, total: number | undefined) => void {
  let lastQuarter = 0;
  return (received, total) => {
    if (!total) return;
    const quarter = Math.floor((received / total) * 4);
    if (quarter <= lastQuarter) return;
    lastQuarter = quarter;
    log(`model: ${label} ${quarter * 25}% (${(received / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB)`);
  };
}

function fetchBytes(url: string, redirectsLeft: number, onProgress: (received: number, total: number | undefined) => void): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith("https:") ? https : url.startsWith("http:") ? http : undefined;
    if (!client) return reject(new Error(`unsupported URL ${url}`));
    const request = client.get(url, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (redirectsLeft <= 0) return reject(new Error("too many redirects"));
        return resolve(fetchBytes(new URL(location, url).href, redirectsLeft - 1, onProgress));
      }
      if (status !== 200) {
        response.resume();
        return reject(new Error(`HTTP ${status}`));
      }
      const total = Number(response.headers["content-length"]) || undefined;
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_MODEL_BYTES) return request.destroy(new Error("response too large"));
        chunks.push(chunk);
        onProgress(received, total);
      });
      response.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
      response.on("error", reject);
    });
    request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new Error(`no data for ${IDLE_TIMEOUT_MS / 1000} s`)));
    request.on("error", reject);
  });
}
