import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { loadConfig } from "../../server/src/config.ts";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { AreaServiceClient } from "@headcount/proto/area-client";
import type { RpcOptions } from "@protobuf-ts/runtime-rpc";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../support/browser.ts";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo, screenshotDir } from "../support/paths.ts";
import { streamOneByOne } from "../support/stream-sender.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

const PASSWORD = "areas-viewer-password";
/** A vertical line at x = 0.7: person 1 of the footage walks across it left to right at about 18.5 s. */
const DOOR_IN = { ax: 0.7, ay: 0, bx: 0.7, by: 1, inSideLeft: true };

let ts: TestServer;
let web: WebApp;
let browser: Browser;
let viewer: RpcOptions;
const dataDir = mkdtempSync(join(tmpdir(), "headcount-areas-e2e-"));
let webPort: number;
let grpcWebPort: number;

/** The server, on the same data directory and gRPC-Web port each time (so it can be restarted under the pages). */
async function startServer(): Promise<TestServer> {
  return startTestServer({
    detector: "mediapipe",
    config: {
      workers: 1,
      dataDir,
      grpcWebPort,
      webUpstream: `http://127.0.0.1:${webPort}`,
      limits: { ...loadConfig({}).limits, maxSessions: 256 },
      access: { captureAuth: true, captureToken: TEST_CAPTURE_TOKEN, viewerPassword: PASSWORD, viewerTokenTtlMs: 3_600_000 },
    },
  });
}

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  webPort = await freePort();
  grpcWebPort = await freePort();
  ts = await startServer();
  web = await startWebApp(ts.grpcWebUrl, { port: webPort });
  browser = await launchChromium();
  const { response } = await ts.native.access.signIn({ password: PASSWORD });
  viewer = { meta: { authorization: `Bearer ${response.token}` } };
});
after(async () => {
  await browser?.close();
  await web?.stop();
  await ts?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const text = async (page: Page, id: string) => (await page.getByTestId(id).first().textContent()) ?? "";

async function signIn(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId("viewer-sign-in").waitFor({ timeout: 30_000 });
  await page.getByTestId("viewer-password").fill(PASSWORD);
  await page.getByTestId("viewer-submit").click();
  return page;
}

test("an area of two doors: made on the count page, inside-now rises and falls there and on its display, which keeps its sign-in and never shows an old number as live", { timeout: 400_000 }, async () => {
  for (const [cameraId, inSideLeft] of [["front-door", true], ["back-door", false]] as const) {
    await ts.native.capture.openSession({ cameraId, cameraName: cameraId === "front-door" ? "Front door" : "Back door" });
    await ts.native.count.setCountingLine({ cameraId, line: { ...DOOR_IN, inSideLeft } }, viewer);
  }
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const board = await signIn(context, web.url);
  await waitFor("the board live", async () => (await text(board, "board-state")) === "live", 30_000);
  await board.getByTestId("area-name").fill("Shop");
  await board.getByTestId("area-capacity").fill("2");
  await board.locator('[data-testid="area-entrance"][data-camera-id="front-door"]').check();
  await board.locator('[data-testid="area-entrance"][data-camera-id="back-door"]').check();
  await board.getByTestId("area-create").click();
  const strip = board.getByTestId("summary-area");
  await waitFor("the area in the summary strip", async () => (await strip.count()) === 1, 15_000);
  const areaId = (await strip.getAttribute("data-area-id"))!;
  const boardInside = async () => Number(await strip.getAttribute("data-inside"));
  assert.equal(await boardInside(), 0);
  await board.getByTestId("area-capacity").fill("-3");
  await board.getByTestId("area-name").fill("Bad");
  await board.locator('[data-testid="area-entrance"][data-camera-id="front-door"]').check();
  await board.getByTestId("area-create").click();
  assert.match(await text(board, "area-error"), /capacity/i, "a bad capacity gets a plain message");

  // The display, on the same device: its viewer token is kept, so no second sign-in.
  const display = await context.newPage();
  await display.goto(`${web.url}/areas/${areaId}/display`);
  const screen = display.getByTestId("occupancy-display");
  await waitFor("the display live", async () => (await screen.getAttribute("data-state")) === "live", 30_000);
  assert.equal(await text(display, "occupancy-headline"), "0 of 2 inside");
  assert.equal(await screen.getAttribute("data-tone"), "green");

  const walk = extractJpegFrames(oneByOneVideo, { startS: 14, count: 70, fps: 10, width: 640 });
  await streamOneByOne(ts, "front-door", walk, 1);
  await waitFor("1 inside on the display", async () => (await text(display, "occupancy-headline")) === "1 of 2 inside", 15_000);
  await waitFor("1 inside on the board", async () => (await boardInside()) === 1, 15_000);
  await streamOneByOne(ts, "front-door", walk, 100);
  await waitFor("full on the display", async () => (await screen.getAttribute("data-tone")) === "red", 15_000);
  assert.equal(await text(display, "occupancy-headline"), "2 of 2 inside");
  assert.equal(await text(display, "occupancy-message"), "Please wait");
  await waitFor("full on the board", async () => (await strip.getAttribute("data-state")) === "full", 15_000);
  await display.setViewportSize({ width: 1024, height: 600 });
  await display.screenshot({ path: join(screenshotDir, "occupancy-display-full.png") });
  await board.getByTestId("summary-strip").scrollIntoViewIfNeeded();
  await board.screenshot({ path: join(screenshotDir, "count-page-area.png") });

  // Edited: a capacity of 3 makes 2 inside green again.
  await board.getByTestId("area-edit").click();
  assert.equal(await board.getByTestId("area-capacity").inputValue(), "2");
  await board.getByTestId("area-capacity").fill("3");
  await board.getByTestId("area-create").click();
  await waitFor("the new capacity on the display", async () => (await text(display, "occupancy-headline")) === "2 of 3 inside", 15_000);
  assert.equal(await screen.getAttribute("data-tone"), "green");

  await streamOneByOne(ts, "back-door", walk, 1);
  await waitFor("1 inside again on the display", async () => (await text(display, "occupancy-headline")) === "1 of 3 inside", 15_000);
  await waitFor("1 inside again on the board", async () => (await boardInside()) === 1, 15_000);
  assert.equal(await screen.getAttribute("data-tone"), "green");

  // The server stops: the display says so and shows no number; restarted, it is live again with the stored count.
  await ts.stop();
  await waitFor("the display reconnecting", async () => (await screen.getAttribute("data-state")) === "reconnecting", 30_000);
  assert.equal(await text(display, "occupancy-headline"), "–", "no number while not live");
  assert.equal(await screen.getAttribute("data-tone"), "grey");
  await display.screenshot({ path: join(screenshotDir, "occupancy-display-reconnecting.png") });
  ts = await startServer();
  await waitFor("the display live again", async () => (await screen.getAttribute("data-state")) === "live", 60_000);
  assert.equal(await text(display, "occupancy-headline"), "1 of 3 inside", "inside-now continues from the stored events");

  // Its history: the event log filtered to the area's doors.
  const area = await new AreaServiceClient(ts.native.transport).listAreas({}, viewer);
  assert.equal(area.response.areas[0]?.counts?.inside, 1);
  await context.close();
});

test("100 cameras: the table by itself, natural order, search, sort and the summary strip", { timeout: 200_000 }, async () => {
  for (let i = 1; i <= 100; i++) await ts.native.capture.openSession({ cameraId: `cam-${i}`, cameraName: `Camera ${i}` });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const board = await signIn(context, web.url);
  await waitFor("the board live", async () => (await text(board, "board-state")) === "live", 30_000);
  await waitFor("every camera shown", async () => (await board.getByTestId("summary-online").getAttribute("data-total")) === "102", 15_000);
  const layout = board.getByTestId("board-layout");
  assert.equal(await layout.getAttribute("data-layout"), "table", "past a dozen cameras the table is the view");
  const online = board.getByTestId("summary-online");
  assert.equal(await online.getAttribute("data-total"), "102");
  const rowIds = async () => board.locator('[data-testid="camera-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-camera-id")));
  const order = await rowIds();
  assert.deepEqual(order.filter((id) => id?.startsWith("cam-")).slice(0, 11), ["cam-1", "cam-2", "cam-3", "cam-4", "cam-5", "cam-6", "cam-7", "cam-8", "cam-9", "cam-10", "cam-11"], "Camera 2 before Camera 10");
  await board.screenshot({ path: join(screenshotDir, "count-page-100-cameras.png") });

  await board.getByTestId("camera-search").fill("camera 7");
  await waitFor("the search applied", async () => (await rowIds()).length === 11, 5_000);
  assert.deepEqual(await rowIds(), ["cam-7", "cam-70", "cam-71", "cam-72", "cam-73", "cam-74", "cam-75", "cam-76", "cam-77", "cam-78", "cam-79"]);
  await board.getByTestId("camera-search").fill("no such camera");
  await board.getByTestId("search-empty").waitFor();
  await board.getByTestId("camera-search").fill("");

  // Two cameras with a capture session just opened (online for a few seconds), the others idle:
  // offline first puts the idle ones on top, the two online ones last.
  await board.getByTestId("camera-sort").selectOption("offline");
  await waitFor("every camera offline (a new session counts as online for 10 s)", async () => (await online.getAttribute("data-online")) === "0", 30_000);
  await ts.native.capture.openSession({ cameraId: "cam-60", cameraName: "" });
  await ts.native.capture.openSession({ cameraId: "cam-50", cameraName: "" });
  await waitFor("the online cameras last", async () => (await rowIds()).slice(-2).join() === "cam-50,cam-60", 8_000);
  assert.equal((await rowIds())[2], "cam-1", "after the area's doors, the idle cameras in natural order");
  await board.getByTestId("camera-layout").selectOption("tiles");
  assert.equal(await layout.getAttribute("data-layout"), "tiles", "the user may choose tiles");
  await board.getByTestId("camera-layout").selectOption("table");
  await context.close();
});
