import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/browser.ts";
import { fakeCameraArgs, makeY4m } from "../support/fake-camera.ts";
import { oneByOneVideo, screenshotDir } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";

const PASSWORD = "viewer-password-e2e";
const shots = screenshotDir;

let ts: TestServer;
let web: WebApp;
let browser: Browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  const y4m = makeY4m({ video: oneByOneVideo, startS: 3, durationS: 8, width: 640, fps: 10 });
  // Pairing only (no shared token) and a viewer password: the setup a LAN deployment should use.
  const webPort = await freePort();
  ts = await startTestServer({ config: { webUpstream: `http://127.0.0.1:${webPort}`, access: { captureAuth: true, captureToken: undefined, viewerPassword: PASSWORD, viewerTokenTtlMs: 3_600_000 } } });
  web = await startWebApp(ts.grpcWebUrl, { port: webPort });
  browser = await launchChromium(fakeCameraArgs(y4m));
});
after(async () => {
  await browser?.close();
  await web?.stop();
  await ts?.stop();
});

const text = async (page: Page, id: string) => (await page.getByTestId(id).textContent()) ?? "";
const acks = async (page: Page) => page.evaluate(() => (window as unknown as { __headcountCapture: { acks: unknown[] } }).__headcountCapture.acks.length);

test("the count page asks for its password; a pairing link lets a phone capture; an unpaired or revoked device cannot", { timeout: 240_000 }, async () => {
  const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const board = await viewer.newPage();
  await board.goto(web.url);
  await board.getByTestId("viewer-sign-in").waitFor({ timeout: 20_000 });
  assert.equal(await board.getByTestId("board-state").count(), 0, "no counts before signing in");
  await board.getByTestId("viewer-sign-in").screenshot({ path: join(shots, "count-page-sign-in.png") });
  await board.getByTestId("viewer-password").fill("not the password");
  await board.getByTestId("viewer-submit").click();
  await waitFor("the wrong password to be refused", async () => (await board.getByTestId("viewer-error").count()) === 1, 10_000);
  assert.equal(await text(board, "viewer-error"), "Wrong password.");
  await board.getByTestId("viewer-password").fill(PASSWORD);
  await board.getByTestId("viewer-submit").click();
  await waitFor("the board after signing in", async () => (await board.getByTestId("board-state").count()) === 1 && (await text(board, "board-state")) === "live", 20_000);
  // The empty board's steps lead to pairing (not to an unpaired capture page).
  const empty = await text(board, "board-empty");
  assert.match(empty, /Pair a device.*Make pairing link/s);
  assert.doesNotMatch(empty, /open .*\/capture/i, "no step that opens the capture page unpaired");
  assert.equal(await board.getByTestId("board-empty").locator('a[href="#pair"]').count(), 1);

  // A new camera: name it and make a link; the link carries a pairing token, the QR code encodes the same link.
  await board.getByTestId("pair-name").fill("Phone at the door");
  await board.getByTestId("pair-create").click();
  const link = await waitFor("a pairing link", async () => (await board.getByTestId("pair-link").count()) === 1 && board.getByTestId("pair-link").getAttribute("href"), 10_000);
  const url = new URL(link!);
  // The token rides in the fragment, which the browser never sends to a server.
  const linkToken = new URLSearchParams(url.hash.slice(1)).get("token");
  assert.match(linkToken ?? "", /^hp_[A-Za-z0-9_-]{43}$/);
  assert.equal(url.searchParams.get("token"), null);
  assert.equal(await board.getByTestId("pair-qr").getAttribute("data-url"), link);
  assert.ok(!(await text(board, "pair-link")).includes(linkToken!), "the shown link hides the token");
  await board.getByTestId("pair-panel").screenshot({ path: join(shots, "count-page-pair.png") });
  const cameraId = url.searchParams.get("camera")!;
  assert.equal(await board.getByTestId("pair-link-camera").getAttribute("data-camera-id"), cameraId);

  // The next link for a new camera is a new camera: a fresh id, and the first camera keeps its name.
  assert.equal(await board.getByTestId("pair-name").inputValue(), "", "the form is ready for the next new camera");
  await board.getByTestId("pair-name").fill("Back door");
  await board.getByTestId("pair-create").click();
  await waitFor("a second link", async () => (await board.getByTestId("pair-link-camera").getAttribute("data-camera-id")) !== cameraId, 10_000);
  const second = new URL((await board.getByTestId("pair-link").getAttribute("href"))!);
  const secondId = second.searchParams.get("camera")!;
  assert.notEqual(secondId, cameraId, "a fresh id");
  const secondToken = new URLSearchParams(second.hash.slice(1)).get("token");
  assert.match(secondToken ?? "", /^hp_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(secondToken, linkToken, "a token of its own");
  const names = async () => new Map(await board.locator('[data-testid="pair-camera"] option').evaluateAll((options) => options.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? ""] as [string, string])));
  await waitFor("both cameras listed", async () => (await names()).has(secondId) && (await names()).has(cameraId), 10_000);
  assert.equal((await names()).get(cameraId), "Phone at the door", "the first camera was not renamed");
  assert.equal((await names()).get(secondId), "Back door");

  // Another device (its own storage) without the token is refused with a readable message.
  const phone = await browser.newContext({ viewport: { width: 420, height: 860 } });
  const stranger = await phone.newPage();
  await stranger.goto(`${web.url}/capture?camera=${cameraId}`);
  await stranger.getByTestId("capture-start").click();
  // Refused is final: a plain-language panel that leads to pairing, no retry loop, developer words folded away.
  await waitFor("the unpaired device's panel", async () => (await stranger.getByTestId("capture-unpaired").count()) === 1, 20_000);
  assert.equal(await text(stranger, "capture-state"), "error");
  assert.equal(await stranger.getByTestId("capture-retry-in").count(), 0, "no reconnect countdown");
  assert.equal(await stranger.getByTestId("capture-start").isEnabled(), true, "Start may be pressed again after pairing");
  const panel = stranger.getByTestId("capture-unpaired");
  assert.match(await panel.locator("h2").innerText(), /^Pair this device/);
  assert.doesNotMatch(await panel.innerText(), /Bearer|UNAUTHENTICATED|`/, "no developer wording outside the details");
  assert.equal(await stranger.getByTestId("capture-unpaired-link").getAttribute("href"), "/#pair");
  assert.match((await stranger.getByTestId("capture-unpaired-details").textContent()) ?? "", /UNAUTHENTICATED.*not paired.*authorization: Bearer/s);
  await stranger.screenshot({ path: join(shots, "capture-page-unpaired.png") });
  await stranger.close();

  // The pairing link: capture starts, the token leaves the address bar but is remembered.
  const paired = await phone.newPage();
  const autostart = new URL(link!);
  autostart.searchParams.set("autostart", "1");
  await paired.goto(autostart.href);
  await waitFor("the paired phone live", async () => (await text(paired, "capture-state")) === "live", 30_000);
  assert.ok(!paired.url().includes(linkToken!), `the token left the address bar: ${paired.url()}`);
  await waitFor("acks for the paired phone", async () => (await acks(paired)) >= 3, 30_000);
  const tile = board.locator(`[data-testid="camera-tile"][data-camera-id="${cameraId}"]`);
  await waitFor("the camera online on the count page", async () => (await tile.count()) === 1 && (await tile.getByTestId("tile-online").textContent()) === "online", 20_000);
  await paired.getByTestId("capture-stop").click();

  // Renamed on its Manage page: the capture page's next Start keeps the server's name and shows it.
  const manage = await viewer.newPage();
  await manage.goto(`${web.url}/cameras/${cameraId}`);
  await manage.getByTestId("camera-rename-input").fill("Lobby");
  await manage.getByTestId("camera-rename-save").click();
  await waitFor("the rename on the count page", async () => (await tile.locator("h2").textContent()) === "Lobby", 10_000);
  await manage.close();
  await paired.goto(`${web.url}/capture?autostart=1`);
  await waitFor("live again from the remembered token", async () => (await text(paired, "capture-state")) === "live", 30_000);
  await waitFor("the server's name on the capture page", async () => (await text(paired, "capture-camera-name")) === "Lobby", 10_000);
  assert.equal(await paired.getByTestId("camera-name").inputValue(), "Lobby");
  assert.equal(await paired.getByTestId("camera-name-pending").count(), 0, "nothing typed, nothing pending");
  assert.equal(await tile.locator("h2").textContent(), "Lobby", "Start did not undo the rename");
  await paired.getByTestId("capture-stop").click();

  // Revoke on the camera page: the next session of the phone is refused.
  await board.goto(`${web.url}/cameras/${cameraId}`);
  await board.getByTestId("camera-revoke").click();
  await waitFor("the revoke message", async () => (await board.getByTestId("camera-revoke-message").count()) === 1, 10_000);
  assert.match(await text(board, "camera-revoke-message"), /^Revoked 1 pairing link\./);
  await paired.getByTestId("capture-start").click();
  await waitFor("the revoked device's panel", async () => (await paired.getByTestId("capture-unpaired").count()) === 1, 20_000);
  assert.match(await paired.getByTestId("capture-unpaired").locator("h2").innerText(), /no longer valid/);
  assert.match((await paired.getByTestId("capture-unpaired-details").textContent()) ?? "", /pairing token is not valid/);
  assert.equal(await text(paired, "capture-state"), "error");
  await phone.close();
  await viewer.close();
});
