/**
 * The open camera of a capture page and the <video> element that shows it
 * (and is the frame source). Opening and failing are explained by
 * camera-source.ts; this only holds the stream and the element together.
 */

import { closeCamera, openCamera, widthConstraint, type CameraChoice } from "./camera-source.ts";

/** One page's camera stream, attached to its video element. */
export class CameraFeed {
  #video: HTMLVideoElement | null = null;
  #stream: MediaStream | null = null;

  /** The element that shows the camera, once the page has rendered it. */
  get video(): HTMLVideoElement | null {
    return this.#video;
  }

  /** True while a camera stream is open. */
  get isOpen(): boolean {
    return this.#stream !== null;
  }

  /** Sets the element that shows the camera. */
  attach(video: HTMLVideoElement | null): void {
    this.#video = video;
  }

  /**
   * Opens the camera and plays it in the element. Resolves false, with the
   * camera closed again, when `stillWanted()` is false once it has opened
   * (Stop was pressed meanwhile). Rejects with the browser's error.
   */
  async open(choice: CameraChoice, stillWanted: () => boolean): Promise<boolean> {
    const stream = await openCamera(choice);
    if (!stillWanted()) {
      closeCamera(stream);
      return false;
    }
    this.#stream = stream;
    if (this.#video) {
      this.#video.srcObject = stream;
      await this.#video.play();
    }
    return true;
  }

  /** Turns the camera off and empties the element. */
  close(): void {
    closeCamera(this.#stream);
    this.#stream = null;
    if (this.#video) this.#video.srcObject = null;
  }

  /** Asks the camera for about this width; best effort (the encoder scales anyway). */
  requestWidth(width: number): void {
    const [track] = this.#stream?.getVideoTracks() ?? [];
    track?.applyConstraints(widthConstraint(width)).catch(() => undefined);
  }
}
