import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/browser.ts";
import { fakeCameraArgs, makeY4m } from "../support/fake-camera.ts";
import { oneByOneVideo, screenshotDir } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

let ts: TestServer;
let web: WebApp;
let browser: Browser;

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  // Person 1 of the clip walks in at 6.0 s: start the camera at 3 s so they enter after ~3 s, once the zone is drawn.
  const y4m = makeY4m({ video: oneByOneVideo, startS: 3, durationS: 40, width: 640, fps: 10 });
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

/** Drags on the canvas from one point to another, in fractions of its box. */
async function drag(page: Page, testId: string, from: readonly [number, number], to: readonly [number, number]): Promise<void> {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height);
  await page.mouse.down();
  await page.mouse.move(box.x + to[0] * box.width, box.y + to[1] * box.height, { steps: 8 });
  await page.mouse.up();
}

async function clickAt(page: Page, testId: string, at: readonly [number, number]): Promise<void> {
  const canvas = page.getByTestId(testId);
  const box = (await canvas.boundingBox())!;
  await canvas.click({ position: { x: at[0] * box.width, y: at[1] * box.height } });
}

test("two lines and a zone drawn on the Manage page count the person who walks in: the tile, the capture page, the chart and the exports show them", { timeout: 240_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  const pageErrors: string[] = [];
  const capture = await context.newPage();
  capture.on("pageerror", (e) => pageErrors.push(e.message));
  await capture.goto(`${web.url}/capture?camera=e2e-shop&name=${encodeURIComponent("E2E shop")}&token=${TEST_CAPTURE_TOKEN}`);
  await capture.getByTestId("capture-start").click();
  await waitFor("the capture page to go live", async () => (await capture.getByTestId("capture-state").textContent()) === "live", 30_000);

  // The capture page leads to where lines and zones are drawn: this camera's Manage page.
  const placesHref = await capture.getByTestId("places-link").getAttribute("href");
  assert.equal(placesHref, "/cameras/e2e-shop#places");
  const manage = await context.newPage();
  manage.on("pageerror", (e) => pageErrors.push(e.message));
  await manage.goto(`${web.url}${placesHref}`);
  const addLine = manage.getByTestId("place-add-line");
  await waitFor("the latest frame to draw on", async () => (await addLine.count()) === 1 && (await addLine.isEnabled()), 30_000);
  for (const x of [0.33, 0.66]) {
    await addLine.click();
    await drag(manage, "places-overlay", [x, 0.1], [x, 0.95]);
    await manage.getByTestId("place-done").click();
  }
  await manage.getByTestId("place-add-zone").click();
  for (const corner of [[0.03, 0.03], [0.97, 0.03], [0.97, 0.97], [0.03, 0.97]] as const) await clickAt(manage, "places-overlay", corner);
  await manage.getByTestId("place-done").click();
  await manage.locator('[data-testid="place-row"][data-place-id="line-1"] [data-testid="place-name"]').fill("Left lane");
  await manage.locator('[data-testid="place-row"][data-place-id="zone-1"] [data-testid="place-name"]').fill("Shop floor");
  await manage.getByTestId("place-save").click();
  await waitFor("the lines and zone saved", async () => /saved/.test((await manage.getByTestId("place-message").textContent()) ?? ""), 10_000);
  const { response } = await ts.native.count.listCameras({});
  const stored = response.cameras.find((c) => c.cameraId === "e2e-shop")!;
  assert.deepEqual(stored.lines.map((l) => [l.id, l.name]), [["line-1", "Left lane"], ["line-2", "Line 2"]]);
  assert.deepEqual([stored.zones[0]?.id, stored.zones[0]?.name, stored.zones[0]?.points.length], ["zone-1", "Shop floor", 4]);

  const board = await context.newPage();
  board.on("pageerror", (e) => pageErrors.push(e.message));
  await board.goto(web.url);
  const tile = board.locator('[data-testid="camera-tile"][data-camera-id="e2e-shop"]');
  const zone = tile.locator('[data-testid="tile-zone"][data-place-id="zone-1"]');
  await waitFor("the person in the zone on the count page", async () => (await zone.count()) === 1 && Number(await zone.getAttribute("data-occupancy")) >= 1, 60_000);
  assert.equal(await tile.getByTestId("tile-line").count(), 2, "both lines listed on the tile");
  assert.match((await zone.textContent()) ?? "", /Shop floor.*1 now/);
  // The capture page draws the zone, tinted while someone is in it, and both lines (told by an ack after the save).
  await waitFor("the lines and zone on the capture page", async () => (await capture.getByTestId("preview-overlay").getAttribute("data-places")) === "2 lines, 1 zones", 10_000);
  await capture.screenshot({ path: join(screenshotDir, "capture-page-zones.png") });
  await manage.getByTestId("line-reload").click();
  await manage.getByTestId("places-editor").screenshot({ path: join(screenshotDir, "camera-lines-zones.png") });

  await capture.getByTestId("capture-stop").click();
  await waitFor("the stay ended with the capture", async () => Number(await zone.getAttribute("data-left")) >= 1 && Number(await zone.getAttribute("data-occupancy")) === 0, 20_000);
  await tile.screenshot({ path: join(screenshotDir, "count-page-zones.png") });

  // The chart of the zone alone, and its series export with the dwell columns.
  await manage.getByTestId("history-place").selectOption("zone:zone-1");
  await waitFor("the zone's stays in the chart's totals", async () => Number(await manage.getByTestId("history-totals").getAttribute("data-entered")) >= 1, 20_000);
  const [series] = await Promise.all([manage.waitForEvent("download"), manage.getByTestId("export-series-csv").click()]);
  const rows = readFileSync(await series.path(), "utf8").trim().split("\r\n");
  assert.equal(rows[0], "start_iso,start_ms,entered,exited,crossed_in,crossed_out,stays,dwell_median_ms,dwell_p90_ms");
  assert.ok(rows.slice(1).some((r) => Number(r.split(",")[6]) >= 1 && Number(r.split(",")[7]) > 0), `a bucket with a stay and its dwell: ${rows.join(" | ")}`);
  const [events] = await Promise.all([manage.waitForEvent("download"), manage.getByTestId("export-events-csv").click()]);
  const log = readFileSync(await events.path(), "utf8").trim().split("\r\n").map((r) => r.split(","));
  assert.ok(log.some((r) => r[4] === "zone_leave" && r[8] === "zone-1" && Number(r[9]) > 0), `the zone leave, with its dwell, in the events export: ${log.map((r) => r.join(",")).join(" | ")}`);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
