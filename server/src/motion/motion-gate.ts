import type { MotionBackground, MotionMeasure, MotionThresholds } from "./motion-measure.ts";

/**
 * What the worker is asked to do about motion for one frame: measure it
 * against `background` and detect when it finds motion, or detect anyway
 * (`detectAnyway`, still measuring so the background stays current).
 */
export interface MotionCheck {
  readonly background: MotionBackground | null;
  readonly thresholds: MotionThresholds;
  readonly detectAnyway: boolean;
}

/** What the worker answers about motion for one frame (absent when it was not asked). */
export interface MotionReport {
  readonly measure: MotionMeasure;
  /** True when the detector did not run on this frame. */
  readonly detectionSkipped: boolean;
}

/** Why a frame is detected whatever the motion check says; null when only motion decides. */
export type DetectReason = "first-frame" | "tracks" | "motion-hold" | "forced" | "always" | null;

/**
 * The motion gate: decides, per frame of a session, whether the detector
 * must run. Injected at the composition root (`app.ts`); the pipeline asks
 * it before each frame and tells it what the worker found.
 */
export interface MotionGate {
  /** The gate's name for logs and benchmarks. */
  readonly name: string;
  /**
   * The check for a session's next frame, or null when the frame must be
   * detected without a motion check at all (gating off, or people are being
   * tracked: the background is not needed then and the check would cost
   * CPU for nothing).
   */
  plan(sessionId: string, nowMs: number, tracksAlive: boolean): MotionCheck | null;
  /** Records what the worker measured on the session's frame (call only after a non-null plan). */
  settle(sessionId: string, nowMs: number, report: MotionReport): void;
  /** Frees a finished session's state. */
  forget(sessionId: string): void;
}

/** Settings of {@link FrameDifferenceGate} (see `motion-settings.ts` for the environment). */
export interface FrameDifferenceSettings extends MotionThresholds {
  /** Frames detected after the last frame with motion. */
  readonly holdFrames: number;
  /** Detect at least this often, ms, even with nothing moving (someone standing perfectly still). */
  readonly forceIntervalMs: number;
}

interface GateState {
  background: MotionBackground | null;
  /** Frames since the last one with motion (large when none yet). */
  framesSinceMotion: number;
  lastDetectMs: number;
}

/**
 * The real gate: a frame-difference motion check on a 1/8-scale grey
 * thumbnail. Detects while any track is alive or tentative, on motion, for
 * `holdFrames` frames after motion stops, and at least every
 * `forceIntervalMs`; skips the rest.
 */
export class FrameDifferenceGate implements MotionGate {
  readonly name = "frame-difference";
  readonly #sessions = new Map<string, GateState>();

  constructor(private readonly settings: FrameDifferenceSettings) {}

  plan(sessionId: string, nowMs: number, tracksAlive: boolean): MotionCheck | null {
    const reason = this.reasonToDetect(sessionId, nowMs, tracksAlive);
    if (reason === "tracks") {
      // Detecting anyway, and no thumbnail to learn from: count it as a detection so the interval restarts.
      this.#stateOf(sessionId).lastDetectMs = nowMs;
      return null;
    }
    return { background: this.#stateOf(sessionId).background, thresholds: this.settings, detectAnyway: reason !== null };
  }

  /** Why the session's next frame is detected whatever its motion, or null (pure, for tests and logs). */
  reasonToDetect(sessionId: string, nowMs: number, tracksAlive: boolean): DetectReason {
    const state = this.#stateOf(sessionId);
    if (tracksAlive) return "tracks";
    if (!state.background) return "first-frame";
    if (state.framesSinceMotion < this.settings.holdFrames) return "motion-hold";
    if (nowMs - state.lastDetectMs >= this.settings.forceIntervalMs) return "forced";
    return null;
  }

  settle(sessionId: string, nowMs: number, report: MotionReport): void {
    const state = this.#stateOf(sessionId);
    state.background = report.measure.background;
    state.framesSinceMotion = report.measure.moving ? 0 : state.framesSinceMotion + 1;
    if (!report.detectionSkipped) state.lastDetectMs = nowMs;
  }

  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  #stateOf(sessionId: string): GateState {
    let state = this.#sessions.get(sessionId);
    if (!state) {
      state = { background: null, framesSinceMotion: Number.MAX_SAFE_INTEGER, lastDetectMs: Number.NEGATIVE_INFINITY };
      this.#sessions.set(sessionId, state);
    }
    return state;
  }
}

/** Gating off: every frame is detected, and no motion check is made. */
export class AlwaysDetectGate implements MotionGate {
  readonly name = "always-detect";
  plan(): MotionCheck | null {
    return null;
  }
  settle(): void {}
  forget(): void {}
}

/** The worker's decision for a frame it measured: detect when asked to anyway, or when something moved. */
export function shouldDetect(check: MotionCheck, measure: MotionMeasure): boolean {
  return check.detectAnyway || measure.moving;
}
