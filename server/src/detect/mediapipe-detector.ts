/**
 * The real detector: MediaPipe's `ObjectDetector` (CPU, persons only), run in
 * Node through the shims in `mediapipe-node.ts`, followed by non-maximum
 * suppression and, optionally, tiling of wide frames.
 */
import type { ObjectDetector, ObjectDetectorOptions } from "@mediapipe/tasks-vision";
import type { Detection, Detector, DetectorOptions, RgbaImage } from "./detector.ts";
import { createTask, loadMediaPipeVision, visionWasmFileset } from "./mediapipe-node.ts";
import { TextureOnlyCanvas } from "./texture-only-webgl.ts";
import type { WasmLogSink } from "./mediapipe-node.ts";
import { DEFAULT_SUPPRESSION, nonMaxSuppression } from "./non-max-suppression.ts";
import type { SuppressionOptions } from "./non-max-suppression.ts";
import { assertTflite, tfliteInputSize } from "./model-resolver.ts";

/** Options for {@link createMediaPipeDetector}. */
export interface MediaPipeDetectorOptions extends DetectorOptions {
  readonly model: Uint8Array;
  /** Shown in `Detector.name`, e.g. `ssd_mobilenet_v1_person`. */
  readonly modelName?: string;
  /**
   * Cut non-square frames into overlapping square tiles (2 for 16:9 or 4:3)
   * and run the model on each: small people get more pixels, at one
   * inference per tile. Default off.
   */
  readonly tiling?: boolean;
  readonly suppression?: SuppressionOptions;
  /** Where the wasm runtime's log lines go (default: warnings to stderr). */
  readonly onWasmLog?: WasmLogSink;
}

/** A square region of a frame, in pixels. */
export interface Tile {
  readonly x: number;
  readonly y: number;
  readonly size: number;
}

// The bundle types these with DOM classes, which Node lacks.
type CanvasOption = NonNullable<ObjectDetectorOptions["canvas"]>;
type ImageSource = Parameters<ObjectDetector["detect"]>[0];

/** The widest frame aspect ratio for which the short side still reaches the model's input. */
const WIDEST_ASPECT = 16 / 9;

/**
 * Creates a long-lived detector. Runs in IMAGE mode: the ObjectDetector keeps
 * no state between frames, so VIDEO mode would buy nothing and would break
 * for good on a repeated timestamp (tiles would need fake timestamps too).
 */
export async function createMediaPipeDetector(options: MediaPipeDetectorOptions): Promise<Detector> {
  if (!(options.scoreThreshold >= 0 && options.scoreThreshold <= 1)) throw new RangeError(`scoreThreshold must be in 0..1, got ${options.scoreThreshold}`);
  if (!Number.isInteger(options.maxResults) || options.maxResults < 1) throw new RangeError(`maxResults must be a positive integer, got ${options.maxResults}`);
  assertTflite(options.model, "the model");
  const vision = await loadMediaPipeVision(options.onWasmLog);
  let task: ObjectDetector;
  try {
    task = await createTask(() => vision.ObjectDetector.createFromOptions(visionWasmFileset(), {
      baseOptions: { modelAssetBuffer: options.model, delegate: "CPU" },
      // Serves the WebGL calls the CPU path still makes; see texture-only-webgl.ts.
      canvas: new TextureOnlyCanvas() as unknown as CanvasOption,
      runningMode: "IMAGE",
      scoreThreshold: options.scoreThreshold,
      // Everything the model reports: duplicates are removed by our NMS
      // first, then the caller's maxResults applies.
      maxResults: -1,
      categoryAllowlist: ["person"],
    }));
  } catch (error) {
    throw new Error(`MediaPipe could not load the person detection model: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const modelInput = tfliteInputSize(options.model);
  // MediaPipe stretches every frame to the model's input (no letterbox) and
  // maps boxes back to the frame, so any aspect ratio comes out right. The
  // decoder only has to keep the short side at least as large as the model
  // input, for frames up to 16:9 in either orientation.
  const side = modelInput ? Math.ceil(Math.max(modelInput.width, modelInput.height) * WIDEST_ASPECT) : undefined;
  const tiling = options.tiling ?? false;
  const suppression = options.suppression ?? DEFAULT_SUPPRESSION;
  // One reusable crop buffer: tiles are read within each synchronous detect call.
  let cropBuffer = new Uint8Array(0);
  let closed = false;

  function detectIn(image: RgbaImage, tile: Tile | undefined, frameWidth: number, frameHeight: number): Detection[] {
    const result = task.detect(image as unknown as ImageSource);
    const ox = tile?.x ?? 0;
    const oy = tile?.y ?? 0;
    return result.detections.flatMap((d) => {
      const box = d.boundingBox;
      const score = d.categories[0]?.score;
      if (!box || score === undefined) return [];
      // Boxes come in pixels of the image passed in; clip to it, then normalize.
      const x0 = clamp(box.originX, 0, image.width) + ox;
      const y0 = clamp(box.originY, 0, image.height) + oy;
      const x1 = clamp(box.originX + box.width, 0, image.width) + ox;
      const y1 = clamp(box.originY + box.height, 0, image.height) + oy;
      if (x1 <= x0 || y1 <= y0) return [];
      return [{ x: x0 / frameWidth, y: y0 / frameHeight, width: (x1 - x0) / frameWidth, height: (y1 - y0) / frameHeight, score }];
    });
  }

  return {
    name: `mediapipe${tiling ? "+tiles" : ""}:${options.modelName ?? "model"}`,
    inputSize: side === undefined ? undefined : { width: side, height: side },
    detect(image: RgbaImage, _timestampMs: number): Detection[] {
      if (closed) throw new Error("detector is closed");
      if (image.data.length < image.width * image.height * 4) throw new RangeError(`RGBA data too short for ${image.width}x${image.height}`);
      if (image.width === 0 || image.height === 0) return [];
      const tiles = tiling ? tileLayout(image.width, image.height) : [];
      const found = tiles.length < 2
        ? detectIn(image, undefined, image.width, image.height)
        : tiles.flatMap((tile) => {
            if (cropBuffer.length !== tile.size * tile.size * 4) cropBuffer = new Uint8Array(tile.size * tile.size * 4);
            return detectIn(cropTile(image, tile, cropBuffer), tile, image.width, image.height);
          });
      return nonMaxSuppression(found, options.maxResults, suppression);
    },
    close(): void {
      if (closed) return;
      closed = true;
      task.close();
    },
  };
}

/**
 * Overlapping square tiles of side min(width, height) spread evenly along the
 * long side, as few as cover it: 2 for 16:9 or 4:3, 1 for a square frame.
 */
export function tileLayout(width: number, height: number): Tile[] {
  const size = Math.min(width, height);
  const long = Math.max(width, height);
  if (size <= 0) return [];
  const count = Math.ceil(long / size);
  const tiles: Tile[] = [];
  for (let i = 0; i < count; i++) {
    const offset = count === 1 ? 0 : Math.round((i * (long - size)) / (count - 1));
    tiles.push(width >= height ? { x: offset, y: 0, size } : { x: 0, y: offset, size });
  }
  return tiles;
}

function cropTile(image: RgbaImage, tile: Tile, into: Uint8Array): RgbaImage {
  const rowBytes = tile.size * 4;
  for (let row = 0; row < tile.size; row++) {
    const from = ((tile.y + row) * image.width + tile.x) * 4;
    into.set(image.data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return { width: tile.size, height: tile.size, data: into };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
