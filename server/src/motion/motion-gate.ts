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

/** How many tracks a session's tracker holds after its last tracked frame. */
export interface LiveTracks {
  /** Confirmed and tentative, including confirmed tracks missed for a while that may still be re-found. */
  readonly alive: number;
  readonly tentative: number;
  /** Tracks not matched in the last tracked frame (their box is a prediction). */
  readonly missed: number;
}

/**
 * What to do with a session's next frame: detect it without a motion check,
 * check it for motion (`check`), or skip detection without looking at it
 * (between the detections that follow a lone person).
 */
export type GatePlan = { readonly kind: "detect" } | { readonly kind: "check"; readonly check: MotionCheck } | { readonly kind: "skip" };

/** Why a frame is detected (or skipped) whatever the motion check says; null when only motion decides. */
export type DetectReason = "first-frame" | "tracks" | "following" | "motion-hold" | "forced" | null;

const DETECT: GatePlan = { kind: "detect" };
const SKIP: GatePlan = { kind: "skip" };

/**
 * The motion gate: decides, per frame of a session, whether the detector
 * must run. Injected at the composition root (`app.ts`); the pipeline asks
 * it before each frame and tells it what the worker found.
 */
export interface MotionGate {
  /** The gate's name for logs and benchmarks. */
  readonly name: string;
  /**
   * What to do with a session's next frame at `nowMs` (its frame time), given
   * the tracks its tracker holds. No motion check while people are tracked:
   * the background is not needed then and the check would cost CPU for nothing.
   */
  plan(sessionId: string, nowMs: number, tracks: LiveTracks): GatePlan;
  /**
   * True when {@link plan} would answer "skip" for these arguments; pure. The
   * pipeline runs such a frame at once instead of waiting for a worker it
   * does not need.
   */
  skipsUnseen(sessionId: string, nowMs: number, tracks: LiveTracks): boolean;
  /** Records what the worker measured on the session's frame (after a "check" plan). */
  settle(sessionId: string, nowMs: number, report: MotionReport): void;
  /** Frees a finished session's state. */
  forget(sessionId: string): void;
}

/** Settings of {@link FrameDifferenceGate} (see `motion-settings.ts` for the environment). */
export interface FrameDifferenceSettings extends MotionThresholds {
  /** Frames detected after the last frame with motion. */
  readonly holdFrames: number;
  /**
   * While exactly one confirmed track is alive, none tentative, and the last
   * detection found it, detect about this often, ms, instead of on every
   * frame; 0: every frame.
   */
  readonly followIntervalMs: number;
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
 * thumbnail. Detects while any track is alive or tentative (a lone confirmed
 * person found by the last detection only about every `followIntervalMs`),
 * on motion, for `holdFrames` frames after motion stops, and at least every
 * `forceIntervalMs`; skips the rest.
 */
export class FrameDifferenceGate implements MotionGate {
  readonly name = "frame-difference";
  readonly #sessions = new Map<string, GateState>();

  constructor(private readonly settings: FrameDifferenceSettings) {}

  plan(sessionId: string, nowMs: number, tracks: LiveTracks): GatePlan {
    const reason = this.reasonToDetect(sessionId, nowMs, tracks);
    if (reason === "following") return SKIP;
    if (reason === "tracks") {
      // No thumbnail to learn from: count it as a detection so the forced interval restarts.
      this.#stateOf(sessionId).lastDetectMs = nowMs;
      return DETECT;
    }
    return { kind: "check", check: { background: this.#stateOf(sessionId).background, thresholds: this.settings, detectAnyway: reason !== null } };
  }

  skipsUnseen(sessionId: string, nowMs: number, tracks: LiveTracks): boolean {
    return this.reasonToDetect(sessionId, nowMs, tracks) === "following";
  }

  /**
   * Why the session's next frame is detected whatever its motion ("following":
   * skipped whatever its motion), or null when motion decides. Pure, for tests and logs.
   */
  reasonToDetect(sessionId: string, nowMs: number, tracks: LiveTracks): DetectReason {
    const state = this.#stateOf(sessionId);
    if (tracks.alive > 0) {
      // One person found alone is followed at a lower rate; crowds, new tracks and a lone person the
      // last detection missed (walking out, or hidden) get every frame until the tracker settles it.
      // Three quarters of the interval: a frame arriving a little early (camera jitter) is not skipped.
      const lone = tracks.alive === 1 && tracks.tentative === 0 && tracks.missed === 0;
      return lone && nowMs - state.lastDetectMs < this.settings.followIntervalMs * 0.75 ? "following" : "tracks";
    }
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
  plan(): GatePlan {
    return DETECT;
  }
  skipsUnseen(): boolean {
    return false;
  }
  settle(): void {}
  forget(): void {}
}

/** The worker's decision for a frame it measured: detect when asked to anyway, or when something moved. */
export function shouldDetect(check: MotionCheck, measure: MotionMeasure): boolean {
  return check.detectAnyway || measure.moving;
}
