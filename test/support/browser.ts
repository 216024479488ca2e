import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (installed by .ci/run); playwright never downloads a browser here. */
export const chromiumPath = process.env.HEADCOUNT_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Launches headless Chromium with the flags this closed network needs (no
 * background connections that would be refused) plus `extraArgs`. Playwright
 * gives each launch a new, empty profile.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium`);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}
