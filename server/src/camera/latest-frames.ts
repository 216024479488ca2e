/** A recent frame of a camera, for drawing its line on the count page. */
export interface LatestFrame {
  readonly jpeg: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly capturedAtMs: number;
}

/** A camera's latest frame is refreshed at most this often (a copy, in memory only). */
const FRAME_REFRESH_MS = 1_000;

/** The latest frame of each camera, in memory only, never written anywhere. */
export class LatestFrames {
  private readonly frames = new Map<string, LatestFrame>();

  /** Offers a processed frame as the camera's latest; kept (copied) at most once a second. */
  offer(cameraId: string, frame: LatestFrame): void {
    const current = this.frames.get(cameraId);
    if (current && frame.capturedAtMs - current.capturedAtMs < FRAME_REFRESH_MS && frame.capturedAtMs >= current.capturedAtMs) return;
    this.frames.set(cameraId, { ...frame, jpeg: new Uint8Array(frame.jpeg) });
  }

  /** The camera's latest frame, or null when none was seen since the server started. */
  latest(cameraId: string): LatestFrame | null {
    return this.frames.get(cameraId) ?? null;
  }
}
