import { z } from "zod";
import { decimalNumber } from "../config-numbers.ts";
import type { AccessSettings } from "./access-control.ts";

/**
 * Who may capture and watch: the environment variables, spread into the one
 * config schema (`config.ts`); each is described in `.env.example`.
 */
export const accessEnv = {
  HEADCOUNT_CAPTURE_AUTH: z.enum(["on", "off"]).default("on"),
  HEADCOUNT_CAPTURE_TOKEN: z.string().min(16, "use at least 16 characters").max(512).regex(/^[A-Za-z0-9._~+/=-]+$/, "use letters, digits and . _ ~ + / = - only").optional(),
  HEADCOUNT_VIEWER_PASSWORD: z.string().min(8, "use at least 8 characters").max(1024).optional(),
  HEADCOUNT_VIEWER_SIGN_IN_DAYS: decimalNumber(0.01, 366).default(30),
};

/** The access settings from the parsed environment. */
export function accessSettingsOf(e: {
  HEADCOUNT_CAPTURE_AUTH: "on" | "off";
  HEADCOUNT_CAPTURE_TOKEN?: string | undefined;
  HEADCOUNT_VIEWER_PASSWORD?: string | undefined;
  HEADCOUNT_VIEWER_SIGN_IN_DAYS: number;
}): AccessSettings {
  return {
    captureAuth: e.HEADCOUNT_CAPTURE_AUTH === "on",
    captureToken: e.HEADCOUNT_CAPTURE_TOKEN,
    viewerPassword: e.HEADCOUNT_VIEWER_PASSWORD,
    viewerTokenTtlMs: Math.round(e.HEADCOUNT_VIEWER_SIGN_IN_DAYS * 86_400_000),
  };
}
