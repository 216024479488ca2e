import { z } from "zod";
import { decimalNumber } from "../config-numbers.ts";
import type { FrameDifferenceSettings } from "./motion-gate.ts";

/** The motion gate's settings in the server's configuration. */
export interface MotionSettings extends FrameDifferenceSettings {
  /** False: the detector runs on every frame (no motion check). */
  readonly enabled: boolean;
}

/**
 * The gate's environment variables, spread into the one config schema
 * (`config.ts`); each is described in `.env.example`.
 */
export const motionEnv = {
  HEADCOUNT_MOTION_GATE: z.enum(["on", "off"]).default("on"),
  HEADCOUNT_MOTION_THRESHOLD_PERCENT: decimalNumber(0.01, 100).default(0.5),
  HEADCOUNT_MOTION_FORCE_DETECT_S: decimalNumber(0.1, 3600).default(2),
  // 0.5 s: on the one-by-one clip (replayed, test/accuracy/) the detector runs on 27% of the frames at
  // 10 fps instead of 44% at 0.2 s, people-in-view error 0.021 (0.022 ungated); at 1 s, 5 fps drifts (0.053 vs 0.037).
  HEADCOUNT_MOTION_FOLLOW_S: decimalNumber(0, 5).default(0.5),
};

/** A grey level change smaller than this is compression noise or flicker, not motion (measured on both clips: see README). */
const PIXEL_DELTA = 20;
/** Frames still detected after motion stops: a person about to be found is not cut off by one still frame. */
const HOLD_FRAMES = 3;

/** The gate's settings from the parsed environment. */
export function motionSettingsOf(e: {
  HEADCOUNT_MOTION_GATE: "on" | "off";
  HEADCOUNT_MOTION_THRESHOLD_PERCENT: number;
  HEADCOUNT_MOTION_FORCE_DETECT_S: number;
  HEADCOUNT_MOTION_FOLLOW_S: number;
}): MotionSettings {
  return {
    enabled: e.HEADCOUNT_MOTION_GATE === "on",
    pixelDelta: PIXEL_DELTA,
    minChangedShare: e.HEADCOUNT_MOTION_THRESHOLD_PERCENT / 100,
    holdFrames: HOLD_FRAMES,
    followIntervalMs: Math.round(e.HEADCOUNT_MOTION_FOLLOW_S * 1000),
    forceIntervalMs: Math.round(e.HEADCOUNT_MOTION_FORCE_DETECT_S * 1000),
  };
}
