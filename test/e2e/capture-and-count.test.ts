import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/browser.ts";
import { fakeCameraArgs, makeY4m } from "../support/fake-camera.ts";
import { oneByOneVideo, screenshotDir } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

/** Shape of the capture page's test record (see web/app/capture/capture-client.tsx). */
interface CaptureRecord {
  sessionId: string;
  cameraId: string;
  acks: Array<{ seq: number; status: string; sentWidth: number; sentHeight: number; decodedWidth: number; decodedHeight: number; latencyMs: number; people: number; entered: number; exited: number }>;
  sentSeqs: number[];
  droppedClientSeqs: number[];
  oversizeSeqs: number[];
  uploadErrorSeqs: number[];
}

const shots = screenshotDir;

let ts: TestServer;
let web: WebApp;
let browser: Browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  // Person 1 of the clip walks in at 6.0 s: the camera starts at 1 s, so that the empty room is
  // seen long enough for the motion gate to skip its frames (even on a busy machine) before they enter.
  const y4m = makeY4m({ video: oneByOneVideo, startS: 1, durationS: 24, width: 640, fps: 10 });
  const webPort = await freePort();
  ts = await startTestServer({ detector: "mediapipe", config: { webUpstream: `http://127.0.0.1:${webPort}` } });
  web = await startWebApp(ts.grpcWebUrl, { port: webPort });
  browser = await launchChromium(fakeCameraArgs(y4m));
});
after(async () => {
  await browser?.close();
  await web?.stop();
  await ts?.stop();
});

/**
 * Makes the page report itself hidden or visible, as when another tab comes in
 * front (headless Chromium keeps every page visible), and fires the event.
 */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  // A string, so the test runner's transform adds no helpers the page does not have.
  await page.evaluate(`(() => {
    const h = ${hidden};
    Object.defineProperty(document, "visibilityState", { configurable: true, get() { return h ? "hidden" : "visible"; } });
    Object.defineProperty(document, "hidden", { configurable: true, get() { return h; } });
    document.dispatchEvent(new Event("visibilitychange"));
  })()`);
}

/** True when the preview's overlay canvas has no painted pixel. */
async function overlayBlank(page: Page): Promise<boolean> {
  return page.evaluate(`(() => {
    const c = document.querySelector('[data-testid="preview-overlay"]');
    if (!c || c.width === 0 || c.height === 0) return true;
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return false;
    return true;
  })()`);
}

async function record(page: Page): Promise<CaptureRecord> {
  return page.evaluate(() => (window as unknown as { __headcountCapture: CaptureRecord }).__headcountCapture);
}

test("a browser camera streams frames through gRPC-Web, every frame is acked, and both pages show the person who walks in", { timeout: 240_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const capture = await context.newPage();
  const pageErrors: string[] = [];
  capture.on("pageerror", (e) => pageErrors.push(e.message));
  await capture.goto(`${web.url}/capture?camera=e2e-door&name=${encodeURIComponent("E2E door")}&token=${TEST_CAPTURE_TOKEN}`);
  await capture.getByTestId("capture-start").click();
  await waitFor("the capture page to go live", async () => (await capture.getByTestId("capture-state").textContent()) === "live", 30_000);

  // The empty room before the person walks in: the server's motion gate skips detection, and the page says so.
  await waitFor("the idle notice", async () => (await capture.getByTestId("stat-idle").count()) > 0, 20_000);
  await capture.screenshot({ path: join(shots, "capture-page-idle.png"), fullPage: true });
  assert.ok((await capture.locator('[data-testid="ack-row"][data-detection-skipped="true"]').count()) > 0, "a skipped frame in the ack table");
  assert.match(await capture.getByTestId("ack-idle").first().innerText(), /idle: detection skipped/);

  const board = await context.newPage();
  await board.goto(web.url);
  const tile = board.locator('[data-testid="camera-tile"][data-camera-id="e2e-door"]');
  await waitFor("the count page to list the camera online", async () => (await tile.count()) === 1 && (await tile.getByTestId("tile-online").textContent()) === "online", 20_000);

  // The person walks in about 5 s into the clip; wait until they are counted on both pages.
  await waitFor("an entry on the capture page", async () => Number(await capture.getByTestId("count-entered").textContent()) >= 1, 60_000);
  // Entered and entered today (exited and exited today), read together in one look at the tile: every
  // event of this camera falls today, so they must agree at every moment (today used to lag by up to 5 s).
  const tileCounts = () =>
    tile.evaluate((el) => ["tile-entered", "tile-entered-today", "tile-exited", "tile-exited-today"].map((id) => el.querySelector(`[data-testid="${id}"]`)?.textContent ?? ""));
  const disagreements: string[][] = [];
  const sampleTile = async () => {
    const c = await tileCounts();
    if (c[0] !== c[1] || c[2] !== c[3]) disagreements.push(c);
    return c;
  };
  await waitFor("the entry on the count page", async () => Number((await sampleTile())[0]) >= 1, 10_000);
  for (let i = 0; i < 10; i++) await sampleTile().then(() => new Promise((r) => setTimeout(r, 200)));
  assert.deepEqual(disagreements, [], "[entered, entered today, exited, exited today] when they disagreed");
  await capture.screenshot({ path: join(shots, "capture-page.png") });
  await board.screenshot({ path: join(shots, "count-page-live.png") });
  // What the overlay and the flow figures mean is on the page; no Front/Back on a camera that faces nowhere.
  assert.match(await capture.getByTestId("overlay-legend").innerText(), /tracked person.*not yet confirmed/s);
  assert.match(await capture.getByTestId("stat-flow-note").innerText(), /normal/);
  assert.match(await capture.getByTestId("stat-running").innerText(), /^Running at/);
  assert.equal(await capture.getByTestId("setting-facing-back").count(), 0, "no Front/Back for a desktop camera");

  // Hidden page (another tab in front): capture pauses and says so, instead of piling up dropped frames.
  const sentNow = async () => (await record(capture)).sentSeqs.length + (await record(capture)).droppedClientSeqs.length;
  await setHidden(capture, true);
  await waitFor("the paused notice", async () => (await capture.getByTestId("capture-paused").count()) === 1, 5_000);
  const pausedAt = await sentNow();
  await sleep(1_500);
  // At most the frames being encoded when the page was hidden (the upload window, 2); 10 fps would give 15.
  assert.ok((await sentNow()) - pausedAt <= 2, `frames kept coming while hidden: ${(await sentNow()) - pausedAt}`);
  assert.match(await capture.getByTestId("stat-running").innerText(), /^Paused/);
  await setHidden(capture, false);
  await waitFor("capture to resume when visible", async () => (await capture.getByTestId("capture-paused").count()) === 0 && (await sentNow()) > pausedAt + 3, 10_000);

  await capture.getByTestId("capture-stop").click();
  // Settled: every sent frame acked, and a frame still being encoded at Stop (a busy machine
  // can finish a later frame first) has been counted as dropped, so there is no gap left.
  const settled = (r: CaptureRecord) => {
    const acked = new Set(r.acks.map((a) => a.seq));
    const all = new Set([...r.sentSeqs, ...r.droppedClientSeqs, ...r.oversizeSeqs]);
    return r.sentSeqs.every((s) => acked.has(s)) && all.size === Math.max(...all) - Math.min(...all) + 1;
  };
  // If it never settles, the assertions below say which seq is missing.
  await waitFor("the last acks after stop", async () => settled(await record(capture)), 15_000).catch(() => undefined);
  // After Stop the dark preview shows no boxes (acks still arriving while draining draw none), and nothing claims to run.
  await waitFor("an empty overlay after Stop", async () => overlayBlank(capture), 5_000);
  assert.match(await capture.getByTestId("stat-running").innerText(), /^Stopped/);
  assert.equal(await capture.getByTestId("camera-name-pending").count(), 0);
  // A 390 px phone: nothing wider than the screen (the ack table scrolls inside its own box).
  await capture.setViewportSize({ width: 390, height: 844 });
  await waitFor("the page to fit a 390 px phone", async () => capture.evaluate(() => document.documentElement.scrollWidth <= 390), 5_000);
  await capture.screenshot({ path: join(shots, "capture-page-phone.png"), fullPage: true });
  const ackTableFits = await capture.evaluate(`(() => { const t = document.querySelector(".table-scroll"); return t.scrollWidth <= t.clientWidth + 1; })()`);
  assert.ok(ackTableFits, "the ack table's columns fit the phone's width");
  await capture.setViewportSize({ width: 1280, height: 900 });
  const r = await record(capture);
  // At least a few seconds of frames (fewer when the machine is busy; the count is not a speed test).
  assert.ok(r.acks.length >= 15, `acked frames: ${r.acks.length}`);

  // Seq increases in the order acks arrive, and every sent frame has exactly one ack.
  const seqs = r.acks.map((a) => a.seq);
  assert.equal(new Set(seqs).size, seqs.length, "no seq acked twice");
  assert.deepEqual(r.uploadErrorSeqs, [], "no upload failed on loopback");
  assert.deepEqual([...seqs].sort((a, b) => a - b), [...r.sentSeqs].sort((a, b) => a - b), "one ack per sent frame");
  // No gaps other than frames the page dropped (counted): window full or over the size limit.
  const all = new Set([...r.sentSeqs, ...r.droppedClientSeqs, ...r.oversizeSeqs]);
  const max = Math.max(...all);
  for (let s = Math.min(...all); s <= max; s++) assert.ok(all.has(s), `seq ${s} neither sent nor counted as dropped`);

  const processed = r.acks.filter((a) => a.status === "processed");
  assert.ok(processed.length >= 0.5 * r.acks.length, `${processed.length} of ${r.acks.length} processed`);
  for (const a of processed) {
    assert.deepEqual([a.decodedWidth, a.decodedHeight], [a.sentWidth, a.sentHeight], `seq ${a.seq}: decoded size equals sent size`);
  }
  assert.equal(r.sentSeqs.length > 0 && r.acks[0]!.sentWidth, 640, "the default width is 640 px");
  const latencies = processed.map((a) => a.latencyMs).sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)]!;
  const span = r.acks.length / ((Math.max(...seqs) - Math.min(...seqs) + 1) / 10);
  console.log(`e2e: ${r.acks.length} acks, ${processed.length} processed, ${r.droppedClientSeqs.length} dropped on the page, round trip p50 ${p50.toFixed(0)} ms, acked fps ~${span.toFixed(1)}`);
  assert.deepEqual(pageErrors, []);
  await context.close();
});

test("the count page charts the entry, lists it in the event log, and its CSV download matches the stored events", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1400 }, acceptDownloads: true });
  const board = await context.newPage();
  const pageErrors: string[] = [];
  board.on("pageerror", (e) => pageErrors.push(e.message));
  await board.goto(web.url);
  const chart = board.getByTestId("chart");
  await waitFor("the chart to draw the entry", async () => (await chart.getAttribute("data-state")) === "ready" && Number(await chart.getAttribute("data-points")) >= 1, 20_000);
  // Off the chart, its legend names the series without "time: - entered: -" placeholders.
  const legend = await board.locator('[data-testid="chart"] .u-legend').innerText();
  assert.match(legend, /entered/);
  assert.doesNotMatch(legend, /:|-/, `legend: ${legend}`);
  const rows = board.locator('[data-testid="event-row"][data-camera-id="e2e-door"]');
  await waitFor("the entry in the event log", async () => (await rows.count()) >= 1, 20_000);
  assert.ok(Number(await board.getByTestId("tile-entered-today").first().textContent()) >= 1, "entered today");
  // The capture page's Stop ended its session with the person still in view: they exit there, marked in the log.
  const stopped = board.locator('[data-testid="event-row"][data-camera-id="e2e-door"][data-kind="exit"][data-reason="capture_stopped"]');
  await waitFor("the exit at Stop in the event log", async () => (await stopped.count()) === 1, 20_000);
  assert.match((await stopped.textContent()) ?? "", /exit \(capture stopped\)/);
  const tile = board.locator('[data-testid="camera-tile"][data-camera-id="e2e-door"]');
  assert.equal(await tile.getByTestId("tile-exited").textContent(), await tile.getByTestId("tile-entered").textContent(), "entered - exited is 0 after the session");

  const stored = (await ts.native.count.listEvents({ cameraId: "e2e-door", fromMs: 0, toMs: 0, limit: 1000, cursor: "" })).response.events;
  assert.ok(stored.some((e) => e.kind === 1), "the server stored the entry");
  const [download] = await Promise.all([board.waitForEvent("download"), board.getByTestId("export-events-csv").click()]);
  const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
  assert.equal(csv[0], "id,time_iso,time_ms,camera_id,kind,track_id,reason,line_id,zone_id,dwell_ms");
  const fromCsv = csv.slice(1).filter((l) => l.split(",")[3] === "e2e-door").map((l) => Number(l.split(",")[0])).sort((a, b) => a - b);
  assert.deepEqual(fromCsv, stored.map((e) => e.id).sort((a, b) => a - b), "the CSV holds exactly the stored events of the camera");
  await board.screenshot({ path: join(shots, "count-page.png"), fullPage: true });
  assert.deepEqual(pageErrors, []);
  await context.close();
});
