import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ChannelCredentials } from "@grpc/grpc-js";
import { CountServiceClient } from "@headcount/proto/count-client";
import { EventKind, EventReason } from "@headcount/proto/count";
import { GrpcTransport } from "@protobuf-ts/grpc-transport";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/browser.ts";
import { fakeCameraArgs, makeY4m } from "../support/fake-camera.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startServerProcess, type ServerProcess } from "../support/server-process.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

const dataDir = mkdtempSync(join(tmpdir(), "headcount-kill-"));
let grpcPort: number;
let grpcWebPort: number;
let webPort: number;
let server: ServerProcess | undefined;
let web: WebApp;
let browser: Browser;

before(async () => {
  // The clip starts at 3 s: person 1 is in view from about 3 s to 17 s of it, person 2 from about 20 s.
  const y4m = makeY4m({ video: oneByOneVideo, startS: 3, durationS: 36, width: 640, fps: 10 });
  grpcPort = await freePort();
  grpcWebPort = await freePort();
  webPort = await freePort();
  server = await startServerProcess({ grpcPort, grpcWebPort, dataDir, webPort });
  web = await startWebApp(`http://127.0.0.1:${grpcWebPort}`, { port: webPort });
  browser = await launchChromium(fakeCameraArgs(y4m));
});
after(async () => {
  await browser?.close();
  await web?.stop();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const number = async (page: Page, id: string) => Number(await page.getByTestId(id).textContent());

test("the server is killed (SIGKILL) mid-capture and restarted: the page reconnects, totals continue, no event is lost or doubled", { timeout: 300_000 }, async () => {
  const page = await browser.newPage();
  // autostart=1, as on a kiosk: nobody presses Start.
  await page.goto(`${web.url}/capture?camera=kill-cam&name=Door&autostart=1&token=${TEST_CAPTURE_TOKEN}`);
  await waitFor("live", async () => (await page.getByTestId("capture-state").textContent()) === "live", 30_000);
  // Person 1 walks in and out; kill the server once their exit has been acked (nobody in view).
  await waitFor("person 1 counted in and out", async () => (await number(page, "count-exited")) >= 1, 60_000);
  const beforeKill = { entered: await number(page, "count-entered"), exited: await number(page, "count-exited") };
  assert.deepEqual(beforeKill, { entered: 1, exited: 1 });
  const board = await browser.newPage();
  await board.goto(web.url);
  const tile = board.locator('[data-testid="camera-tile"][data-camera-id="kill-cam"]');
  await waitFor("the tile online", async () => (await tile.count()) === 1 && (await tile.getByTestId("tile-online").textContent()) === "online", 20_000);
  await server!.kill();
  await waitFor("the page to show the outage", async () => (await page.getByTestId("capture-state").textContent()) === "reconnecting", 15_000);
  // The count page cannot know: its tile is greyed, says "last known", and claims nothing live.
  await waitFor("the tile to turn unknown", async () => (await tile.getByTestId("tile-online").textContent()) === "unknown", 20_000);
  assert.equal(await tile.getAttribute("data-stale"), "true");
  assert.match((await tile.getByTestId("tile-stale").textContent()) ?? "", /Last known/);
  assert.equal(await tile.getByTestId("tile-fps").textContent(), "-");
  assert.equal(await tile.getByTestId("tile-latency").textContent(), "-");

  server = await startServerProcess({ grpcPort, grpcWebPort, dataDir, webPort });
  await waitFor("the page live again", async () => (await page.getByTestId("capture-state").textContent()) === "live", 30_000);
  await waitFor("the tile online again", async () => (await tile.getByTestId("tile-online").textContent()) === "online" && (await tile.getAttribute("data-stale")) === "false", 30_000);
  await board.close();
  // Person 2 walks in after the restart: the total continues from the stored 1.
  await waitFor("person 2 counted after the restart", async () => (await number(page, "count-entered")) >= 2, 60_000);
  await page.getByTestId("capture-stop").click();

  const transport = new GrpcTransport({ host: `127.0.0.1:${grpcPort}`, channelCredentials: ChannelCredentials.createInsecure() });
  try {
    const count = new CountServiceClient(transport);
    const events = async () => (await count.listEvents({ cameraId: "kill-cam", fromMs: 0, toMs: 0, limit: 100, cursor: "" }).response).events;
    // Person 2 is in view at Stop: closing the session exits them (capture_stopped). Read the events once that is
    // stored; read at once, they held it or not depending on which came first (seen failing in CI: 2 exits, not 1).
    await waitFor("person 2's exit at Stop stored", async () => (await events()).some((e) => e.kind === EventKind.EXIT && e.reason === EventReason.CAPTURE_STOPPED), 15_000);
    const all = await events();
    const entries = all.filter((e) => e.kind === EventKind.ENTRY);
    const exits = all.filter((e) => e.kind === EventKind.EXIT);
    assert.equal(entries.length, 2, "one entry per person: none lost in the crash, none counted twice");
    assert.deepEqual(exits.map((e) => e.reason).sort(), [EventReason.UNSPECIFIED, EventReason.CAPTURE_STOPPED], "person 1's exit, acked before the kill, is stored once; person 2 exits at Stop");
    const cam = (await count.listCameras({})).response.cameras.find((c) => c.cameraId === "kill-cam");
    assert.equal(cam?.counts?.entered, 2);
    assert.equal(cam?.name, "Door");
  } finally {
    transport.close();
  }
  await page.close();
});
