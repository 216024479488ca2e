import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_SETTINGS, SETTINGS_KEY, effectiveFps, loadSettings, sanitizeSettings, saveSettings } from "./capture-settings.ts";

describe("sanitizeSettings", () => {
  it("keeps valid values", () => {
    const settings = { deviceId: "abc", facing: "user", width: 960, fps: 15, quality: 0.5 } as const;
    assert.deepEqual(sanitizeSettings(settings), settings);
  });

  it("clamps fps and quality, and falls back for unknown widths and facings", () => {
    assert.deepEqual(sanitizeSettings({ width: 700, fps: 99, quality: 2, facing: "sideways" }), {
      ...DEFAULT_SETTINGS,
      fps: 30,
      quality: 0.95,
    });
    assert.equal(sanitizeSettings({ fps: 0 }).fps, 1);
    assert.equal(sanitizeSettings({ quality: "x" }).quality, DEFAULT_SETTINGS.quality);
  });
});

describe("effectiveFps", () => {
  it("is lowered to the server's max_fps, which 0 leaves unlimited", () => {
    assert.equal(effectiveFps(30, 15), 15);
    assert.equal(effectiveFps(10, 15), 10);
    assert.equal(effectiveFps(10, 0), 10);
  });
});

describe("loadSettings / saveSettings", () => {
  it("round-trips and survives garbage", () => {
    const data = new Map<string, string>();
    const store = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
    assert.deepEqual(loadSettings(store), DEFAULT_SETTINGS);
    saveSettings(store, { ...DEFAULT_SETTINGS, width: 320 });
    assert.equal(loadSettings(store).width, 320);
    data.set(SETTINGS_KEY, "{not json");
    assert.deepEqual(loadSettings(store), DEFAULT_SETTINGS);
  });
});
