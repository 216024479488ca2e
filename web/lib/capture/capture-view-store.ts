/**
 * The capture page's state as one immutable {@link CaptureView} that React
 * reads with useSyncExternalStore, and the error it shows, whose kind decides
 * what clears it later.
 */

import type { CaptureView } from "./capture-view.ts";

/** What an error on the capture page is about. */
export type ErrorKind = "config" | "camera" | "connection" | "upload";

/** Upload errors stay on screen at least this long, so a single failure is readable. */
const ERROR_HOLD_MS = 5_000;

/** Holds the view, notifies subscribers of each change, and keeps the shown error's kind. */
export class CaptureViewStore {
  readonly #listeners = new Set<() => void>();
  #view: CaptureView;
  #errorKind: ErrorKind | null;
  #errorAtMs = 0;

  /** Starts from `initial`, whose error (if any) is of `errorKind`. */
  constructor(initial: CaptureView, errorKind: ErrorKind | null) {
    this.#view = initial;
    this.#errorKind = errorKind;
  }

  /** useSyncExternalStore's subscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** useSyncExternalStore's getSnapshot: the same object until something changes. */
  readonly getSnapshot = (): CaptureView => this.#view;

  /** The current view. */
  get view(): CaptureView {
    return this.#view;
  }

  /** The kind of the error shown, or null. */
  get errorKind(): ErrorKind | null {
    return this.#errorKind;
  }

  /** Merges a change into a new view object and notifies subscribers. */
  update(patch: Partial<CaptureView>): void {
    this.#view = { ...this.#view, ...patch };
    for (const listener of this.#listeners) listener();
  }

  /** Shows an error; its kind decides what clears it later. */
  setError(kind: ErrorKind, message: string): void {
    this.#errorKind = kind;
    this.#errorAtMs = Date.now();
    this.update({ error: message });
  }

  /** Clears the shown error if it is of one of these kinds (a config error never clears). */
  clearError(...kinds: ErrorKind[]): void {
    if (this.#errorKind && kinds.includes(this.#errorKind)) {
      this.#errorKind = null;
      this.update({ error: null });
    }
  }

  /** An upload succeeded: clears an upload error once it was readable for a while. */
  clearUploadError(): void {
    if (Date.now() - this.#errorAtMs > ERROR_HOLD_MS) this.clearError("upload");
  }
}
