import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { TLS_DIR, spkiSha256 } from "../../server/src/edge/local-ca.ts";
import { launchChromium } from "../support/browser.ts";
import { fakeCameraArgs, makeY4m } from "../support/fake-camera.ts";
import { oneByOneVideo } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { waitFor } from "../support/waiting.ts";
import { TEST_CAPTURE_TOKEN } from "../support/auto-credentials.ts";

let ts: TestServer;
let web: WebApp;
let browser: Browser;
let origin: string;
let ca: string;

before(async () => {
  // Person 1 of the clip walks in at 6.0 s: start the camera at 3 s so they enter after ~3 s.
  const y4m = makeY4m({ video: oneByOneVideo, startS: 3, durationS: 24, width: 640, fps: 10 });
  const webPort = await freePort();
  ts = await startTestServer({ detector: "mediapipe", config: { lanHttpsPort: 0, webUpstream: `http://127.0.0.1:${webPort}` } });
  // No HEADCOUNT_GRPC_WEB_URL: the embedded default, as `npm start` runs the app.
  web = await startWebApp("", { port: webPort });
  origin = `https://127.0.0.1:${ts.httpsPort}`;
  const dir = join(ts.config.dataDir, TLS_DIR);
  ca = readFileSync(join(dir, "ca.crt"), "utf8");
  // Chromium trusts exactly this server key, nothing else (never a blanket --ignore-certificate-errors).
  const spki = spkiSha256(readFileSync(join(dir, "server.crt"), "utf8"));
  browser = await launchChromium([...fakeCameraArgs(y4m), `--ignore-certificate-errors-spki-list=${spki}`]);
});
after(async () => {
  await browser?.close();
  await web?.stop();
  await ts?.stop();
});

/** A GET over https with Node's TLS client trusting only the local CA. */
function getTrusted(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ca }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on("error", reject);
  });
}

const SECURITY_HEADERS = ["content-security-policy", "x-frame-options", "referrer-policy", "x-content-type-options", "permissions-policy"];

test("over the LAN https origin: pair a phone from the count page, capture with its camera, see the count on the same origin", { timeout: 240_000 }, async () => {
  const viewer = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const board = await viewer.newPage();
  const pageErrors: string[] = [];
  board.on("pageerror", (e) => pageErrors.push(e.message));
  await board.goto(`${origin}/`);
  await waitFor("the count page live over https", async () => (await board.getByTestId("board-state").count()) === 1 && (await board.getByTestId("board-state").textContent()) === "live", 30_000);

  await board.getByTestId("pair-name").fill("Phone over https");
  await board.getByTestId("pair-create").click();
  const link = await waitFor("a pairing link", async () => (await board.getByTestId("pair-link").count()) === 1 && board.getByTestId("pair-link").getAttribute("href"), 15_000);
  assert.ok(link!.startsWith(`${origin}/capture?`), `the link carries the server's https origin: ${link}`);
  // This server binds loopback only: the page says the link works on this machine only.
  assert.match((await board.getByTestId("pair-localhost").textContent()) ?? "", /works on this computer only/);
  assert.equal(await board.getByTestId("pair-ca-link").getAttribute("href"), `${ts.grpcWebUrl}/ca.crt`);
  const cameraId = new URL(link!).searchParams.get("camera")!;

  const phone = await browser.newContext({ viewport: { width: 420, height: 860 } });
  const capture = await phone.newPage();
  capture.on("pageerror", (e) => pageErrors.push(e.message));
  const autostart = new URL(link!);
  autostart.searchParams.set("autostart", "1");
  await capture.goto(autostart.href);
  await waitFor("the phone live over https", async () => (await capture.getByTestId("capture-state").textContent()) === "live", 30_000);
  assert.equal(await capture.evaluate(() => window.isSecureContext && location.protocol), "https:");
  await waitFor("an entry on the capture page", async () => Number(await capture.getByTestId("count-entered").textContent()) >= 1, 90_000);
  const tile = board.locator(`[data-testid="camera-tile"][data-camera-id="${cameraId}"]`);
  await waitFor("the entry on the count page", async () => (await tile.count()) === 1 && Number(await tile.getByTestId("tile-entered").textContent()) >= 1, 20_000);
  assert.equal(await tile.getByTestId("tile-online").textContent(), "online");
  await capture.getByTestId("capture-stop").click();
  assert.deepEqual(pageErrors, []);
  await phone.close();
  await viewer.close();
});

test("security headers on every page, directly from the web app and through the https origin", async () => {
  for (const path of ["/", "/capture", "/no-such-page"]) {
    for (const res of [await fetch(`${web.url}${path}`), await getTrusted(`${origin}${path}`)]) {
      const header = (name: string) => (res.headers instanceof Headers ? res.headers.get(name) : (res.headers[name] as string | undefined)) ?? null;
      for (const name of SECURITY_HEADERS) assert.ok(header(name), `${path}: ${name} missing`);
      assert.match(header("content-security-policy")!, /frame-ancestors 'none'/);
      assert.match(header("content-security-policy")!, /object-src 'none'/);
      assert.equal(header("x-frame-options"), "DENY");
      assert.equal(header("referrer-policy"), "no-referrer");
      assert.equal(header("x-content-type-options"), "nosniff");
      assert.match(header("permissions-policy")!, /camera=\(self\)/);
    }
  }
});

test("the pairing token is never rendered into the capture page's HTML", async () => {
  const secret = TEST_CAPTURE_TOKEN;
  const url = `${web.url}/capture?camera=door&name=Door&token=${secret}&autostart=1`;
  const first = await fetch(url, { redirect: "manual" });
  assert.equal(first.status, 303, "moved into the fragment, which no server sees");
  assert.equal(first.headers.get("location"), `/capture?camera=door&name=Door&autostart=1#token=${secret}`);
  assert.doesNotMatch(await first.text(), /<html|<script/i, "the redirect renders no page");
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<html/);
  assert.ok(!html.includes(secret), "the token is not in the HTML");
  // Through the https origin too (the forwarder keeps the redirect as it is).
  const viaHttps = await getTrusted(`${origin}/capture?token=${secret}`);
  assert.equal(viaHttps.status, 303);
  assert.equal(viaHttps.headers.location, `/capture#token=${secret}`);
});
