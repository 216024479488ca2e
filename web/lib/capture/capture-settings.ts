/**
 * The capture page's knobs (camera, width, fps, JPEG quality), their
 * defaults and limits, and remembering them per device.
 */

import type { Facing } from "./camera-source.ts";
import type { KeyValueStore } from "./camera-identity.ts";
import { CAPTURE_WIDTHS, clampQuality } from "./frame-encoder.ts";

/** What the user chose. */
export interface CaptureSettings {
  /** A specific camera; empty to choose by {@link facing}. */
  readonly deviceId: string;
  readonly facing: Facing;
  /** Encoded width in pixels, one of {@link CAPTURE_WIDTHS}. */
  readonly width: number;
  /** Frames per second asked for, 1..30 (the server's max_fps may lower it). */
  readonly fps: number;
  /** JPEG quality, 0.3..0.95. */
  readonly quality: number;
}

/** The defaults: 640 px, 10 fps, quality 0.7, back camera on phones. */
export const DEFAULT_SETTINGS: CaptureSettings = {
  deviceId: "",
  facing: "environment",
  width: 640,
  fps: 10,
  quality: 0.7,
};

/** localStorage key of the remembered settings. */
export const SETTINGS_KEY = "headcount.captureSettings";

/** Brings any (possibly stale or hand-edited) settings into range. */
export function sanitizeSettings(input: Partial<Record<keyof CaptureSettings, unknown>>): CaptureSettings {
  const width = Number(input.width);
  const fps = Number(input.fps);
  const quality = Number(input.quality);
  return {
    deviceId: typeof input.deviceId === "string" ? input.deviceId : DEFAULT_SETTINGS.deviceId,
    facing: input.facing === "user" || input.facing === "environment" ? input.facing : DEFAULT_SETTINGS.facing,
    width: (CAPTURE_WIDTHS as readonly number[]).includes(width) ? width : DEFAULT_SETTINGS.width,
    fps: Number.isFinite(fps) ? Math.min(30, Math.max(1, Math.round(fps))) : DEFAULT_SETTINGS.fps,
    quality: Number.isFinite(quality) ? Math.round(clampQuality(quality) * 100) / 100 : DEFAULT_SETTINGS.quality,
  };
}

/**
 * The rate the loop really runs at: the chosen fps, lowered to the server's
 * max_fps (0 from the server means "no limit").
 */
export function effectiveFps(chosenFps: number, serverMaxFps: number | undefined): number {
  return serverMaxFps && serverMaxFps > 0 ? Math.min(chosenFps, serverMaxFps) : chosenFps;
}

/** Reads remembered settings, or the defaults. */
export function loadSettings(store: KeyValueStore | null): CaptureSettings {
  try {
    const raw = store?.getItem(SETTINGS_KEY);
    if (!raw) return DEFAULT_SETTINGS;
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null ? sanitizeSettings(parsed) : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** Remembers settings for the next visit. */
export function saveSettings(store: KeyValueStore | null, settings: CaptureSettings): void {
  try {
    store?.setItem(SETTINGS_KEY, JSON.stringify(settings));
  } catch {
    // Not remembering settings is harmless.
  }
}
