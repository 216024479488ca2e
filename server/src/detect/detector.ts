/**
 * The detector port: the pipeline stage that finds people in a decoded frame.
 *
 * A detector lives inside one worker thread for its whole life and is called
 * synchronously, one frame at a time. Implementations: `MediaPipeDetector`
 * (real, `@mediapipe/tasks-vision`) and `NoopDetector` (detection switched off,
 * used to measure the transport alone).
 */

/** A decoded frame, tightly packed RGBA, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An axis-aligned box in normalized frame coordinates (0..1 from left/top). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One person found in a frame. */
export interface Detection extends Box {
  /** Confidence, 0..1. */
  readonly score: number;
  /**
   * The person's colour signature (`appearance/colour-signature.ts`), added by
   * the frame worker from the decoded frame; absent when the box is too small
   * or nobody computed it. The tracker uses it to tell people apart.
   */
  readonly appearance?: string;
}

/** A long-lived, synchronous person detector. */
export interface Detector {
  /** A short name for logs and benchmarks, e.g. `mediapipe:ssd_mobilenet_v1_person`. */
  readonly name: string;
  /**
   * The input size this detector works at; the decoder shrinks frames to fit
   * inside it (keeping the aspect ratio) so no time is spent decoding pixels
   * the model never sees. `undefined` means full resolution.
   */
  readonly inputSize: { readonly width: number; readonly height: number } | undefined;
  /**
   * Finds people. `timestampMs` is strictly increasing per detector instance
   * (callers guarantee it), as MediaPipe's VIDEO mode requires.
   */
  detect(image: RgbaImage, timestampMs: number): Detection[];
  /** Frees native resources. The detector is unusable afterwards. */
  close(): void;
}

/** Options every detector factory understands. */
export interface DetectorOptions {
  /** Model file bytes (`.tflite`). */
  readonly model?: Uint8Array;
  /** Minimum score for a detection to be reported, 0..1. */
  readonly scoreThreshold: number;
  /** Upper bound on people reported per frame. */
  readonly maxResults: number;
}
