import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder with the workspaces' package.json). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** ../shared beside the repository: test models and footage (never downloaded). */
export const sharedDir = resolve(process.env.HEADCOUNT_SHARED_DIR ?? resolve(repoRoot, "../shared"));

/** The detection model for tests: HEADCOUNT_MODEL, else the shared SSD MobileNet V1. */
export const testModelPath = resolve(process.env.HEADCOUNT_MODEL ?? resolve(sharedDir, "models/ssd_mobilenet_v1_person.tflite"));

/** The footage with ground truth: one person at a time enters at the bottom, leaves right. */
export const oneByOneVideo = resolve(sharedDir, "footage/one-by-one-person-detection.mp4");

/** Outdoor pedestrians, small and many (PETS 2009). */
export const vtestVideo = resolve(sharedDir, "footage/vtest.avi");

/** Scratch space for test artifacts (screenshots, extracted frames); git-ignored. */
export const outDir = resolve(repoRoot, "test/.out");

/** Fails with a readable message when shared test data is missing. */
export function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path} (see ../shared/README.md; set HEADCOUNT_SHARED_DIR)`);
  return path;
}

/** Where e2e tests write screenshots: test/.out, or with HEADCOUNT_UPDATE_SCREENSHOTS=1 the README's own. */
export const screenshotDir = process.env.HEADCOUNT_UPDATE_SCREENSHOTS ? resolve(repoRoot, "test/e2e/screenshots") : resolve(outDir, "screenshots");
