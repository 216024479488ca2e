import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";
import { launchChromium } from "../support/browser.ts";
import { fakeCameraArgs, makeY4m } from "../support/fake-camera.ts";
import { oneByOneVideo, screenshotDir } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";

/** Two devices capturing one camera: the second takes it over, the first stops for good and offers to take it back. */

let ts: TestServer;
let web: WebApp;
let browser: Browser;

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  const y4m = makeY4m({ video: oneByOneVideo, startS: 3, durationS: 10, width: 640, fps: 10 });
  const webPort = await freePort();
  ts = await startTestServer({ config: { webUpstream: `http://127.0.0.1:${webPort}` } });
  web = await startWebApp(ts.grpcWebUrl, { port: webPort });
  browser = await launchChromium(fakeCameraArgs(y4m));
});
after(async () => {
  await browser?.close();
  await web?.stop();
  await ts?.stop();
});

/** A capture page on a device of its own (a browser context), started. */
async function device(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${web.url}/capture?camera=e2e-takeover&name=${encodeURIComponent("Takeover door")}&token=${TEST_CAPTURE_TOKEN}`);
  await page.getByTestId("capture-start").click();
  await waitFor("the capture page to go live", async () => (await page.getByTestId("capture-state").textContent()) === "live", 30_000);
  return page;
}

const openSessions = () => [...ts.server.sessions.all()].filter((s) => s.cameraId === "e2e-takeover").map((s) => s.id);

test("a second device taking the camera over stops the first for good; its Take back button takes the camera back", { timeout: 180_000 }, async () => {
  const first = await device();
  const second = await device();
  await waitFor("the takeover message on the first device", async () => (await first.getByTestId("capture-taken-over").count()) === 1, 10_000);
  assert.equal(await first.getByTestId("capture-state").textContent(), "error");
  assert.match(await first.getByTestId("capture-taken-over").innerText(), /This camera is now capturing from another device/);
  assert.equal(await first.getByTestId("capture-start").isEnabled(), true, "Start (and Take back) are offered");
  await first.getByTestId("capture-taken-over").screenshot({ path: join(screenshotDir, "capture-page-taken-over.png") });

  // No reconnect loop: a while later the second device still holds the camera with the same session.
  const held = openSessions();
  assert.equal(held.length, 1);
  await sleep(3_000);
  assert.deepEqual(openSessions(), held, "the first device did not take the camera back by itself");
  assert.equal(await second.getByTestId("capture-state").textContent(), "live");
  assert.equal(await first.getByTestId("capture-state").textContent(), "error");

  await first.getByTestId("capture-take-back").click();
  await waitFor("the first device live again", async () => (await first.getByTestId("capture-state").textContent()) === "live", 30_000);
  await waitFor("the takeover message on the second device", async () => (await second.getByTestId("capture-taken-over").count()) === 1, 10_000);
  assert.equal(await first.getByTestId("capture-taken-over").count(), 0, "the message is gone once capturing again");
  assert.equal(openSessions().length, 1, "one live session for the camera");
});
