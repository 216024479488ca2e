import { WatchCountsResponse } from "@headcount/proto/count";
import type { Browser } from "playwright-core";
import { launchChromium } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { freePort, startWebApp, type WebApp } from "../support/web-app.ts";
import { loadConfig } from "../../server/src/config.ts";
import { fixed, median } from "./bench-stats.ts";
import type { BenchContext, BenchReport, Benchmark } from "./bench-types.ts";

const CAMERAS = 100;
/** Camera changes per second the load script makes (each: one camera's people in view moves). */
const CHANGES_PER_S = 200;

interface PageSample {
  readonly view: "tiles" | "table";
  /** From navigation start to the 100th camera on screen, ms. */
  readonly firstRenderMs: number;
  /** Renderer main-thread busy time per second of wall time while the cameras change, ms. */
  readonly mainThreadMsPerS: number;
  readonly scriptMsPerS: number;
}

interface StreamSample {
  readonly changesOnly: boolean;
  readonly messagesPerS: number;
  readonly camerasPerMessage: number;
  readonly bytesPerS: number;
}

/**
 * A load script: 100 cameras with an open capture session each, and people in
 * view moving on `CHANGES_PER_S` random cameras a second, applied to the
 * server's camera registry as the pipeline applies a processed frame (no
 * frames are decoded: this measures the count page and WatchCounts, not detection).
 * Bounded by `durationMs`.
 */
function startLoad(ts: TestServer, sessions: ReadonlyMap<string, string>, durationMs: number): () => void {
  const ids = [...sessions.keys()];
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < CHANGES_PER_S / 10; i++) {
      // Round robin: every camera changes about twice a second.
      const cameraId = ids[n % ids.length]!;
      n++;
      ts.server.cameras.applyFrame(cameraId, sessions.get(cameraId)!, Math.floor(n / ids.length) % 5, null);
      ts.server.cameras.recordAck(cameraId, Date.now(), 5);
    }
  }, 100);
  const stop = setTimeout(() => clearInterval(timer), durationMs);
  return () => {
    clearInterval(timer);
    clearTimeout(stop);
  };
}

async function measurePage(browser: Browser, web: WebApp, view: "tiles" | "table", windowMs: number): Promise<PageSample> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${web.url}/?view=${view}`);
    const item = view === "table" ? '[data-testid="camera-row"]' : '[data-testid="camera-tile"]';
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 100, item, { timeout: 60_000, polling: 20 });
    const firstRenderMs = await page.evaluate(() => performance.now());
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const metric = async () => {
      const { metrics } = await cdp.send("Performance.getMetrics");
      const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      return { task: get("TaskDuration"), script: get("ScriptDuration"), at: Date.now() };
    };
    const a = await metric();
    await new Promise((r) => setTimeout(r, windowMs));
    const b = await metric();
    const seconds = (b.at - a.at) / 1000;
    return { view, firstRenderMs, mainThreadMsPerS: ((b.task - a.task) * 1000) / seconds, scriptMsPerS: ((b.script - a.script) * 1000) / seconds };
  } finally {
    await page.close();
  }
}

async function measureStream(ts: TestServer, changesOnly: boolean, windowMs: number): Promise<StreamSample> {
  const abort = new AbortController();
  let messages = 0;
  let cameras = 0;
  let bytes = 0;
  const call = ts.native.count.watchCounts({ changesOnly }, { abort: abort.signal });
  let first = true;
  call.responses.onMessage((m) => {
    // The first message is the full list either way.
    if (first) return void (first = false);
    messages++;
    cameras += m.cameras.length;
    bytes += WatchCountsResponse.toBinary(m).length;
  });
  call.status.catch(() => undefined);
  await new Promise((r) => setTimeout(r, windowMs));
  abort.abort();
  const s = windowMs / 1000;
  return { changesOnly, messagesPerS: messages / s, camerasPerMessage: cameras / Math.max(1, messages), bytesPerS: bytes / s };
}

/**
 * Issue 17: the count page with 100 live cameras. Time to first render and
 * Chromium main-thread time per second, tiles against the table, side by
 * side in each round; WatchCounts bytes with and without changes_only.
 */
export const benchmark: Benchmark = {
  id: "count-page",
  title: `Count page: ${CAMERAS} live cameras, ${CHANGES_PER_S} camera changes/s`,
  async run(ctx: BenchContext): Promise<BenchReport> {
    const rounds = ctx.quick ? 1 : 3;
    const windowMs = ctx.quick ? 3_000 : 10_000;
    // The web app's origin is the gRPC-Web endpoint's CORS default: pick its port first.
    const webPort = await freePort();
    // The sessions send no frame (the load moves their figures directly): keep them open past the 60 s idle close for the whole run.
    const ts = await startTestServer({ config: { webUpstream: `http://127.0.0.1:${webPort}`, limits: { ...loadConfig({}).limits, maxSessions: 256 }, sessionIdleMs: 3_600_000 } });
    const web = await startWebApp(ts.grpcWebUrl, { port: webPort });
    const browser = await launchChromium();
    const pages: PageSample[] = [];
    const streams: StreamSample[] = [];
    try {
      const sessions = new Map<string, string>();
      for (let i = 1; i <= CAMERAS; i++) {
        const { response } = await ts.native.capture.openSession({ cameraId: `bench-${i}`, cameraName: `Camera ${i}` });
        sessions.set(`bench-${i}`, response.sessionId);
      }
      const stopLoad = startLoad(ts, sessions, rounds * (4 * windowMs + 120_000));
      try {
        for (let r = 0; r < rounds; r++) {
          // Order reversed every other round, so drift in the machine's load does not favour one side.
          const order: Array<"tiles" | "table"> = r % 2 === 0 ? ["tiles", "table"] : ["table", "tiles"];
          for (const view of order) pages.push(await measurePage(browser, web, view, windowMs));
          for (const changesOnly of r % 2 === 0 ? [false, true] : [true, false]) streams.push(await measureStream(ts, changesOnly, windowMs));
          ctx.log(`  round ${r + 1}: ${pages.slice(-2).map((p) => `${p.view} ${fixed(p.firstRenderMs)} ms first render, ${fixed(p.mainThreadMsPerS)} ms/s main thread`).join("; ")}`);
        }
      } finally {
        stopLoad();
      }
      const of = (view: "tiles" | "table") => pages.filter((p) => p.view === view);
      const st = (c: boolean) => streams.filter((s) => s.changesOnly === c);
      const med = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
      const row = (view: "tiles" | "table") =>
        `first render ${fixed(med(of(view), (p) => p.firstRenderMs))} ms; main thread ${fixed(med(of(view), (p) => p.mainThreadMsPerS))} ms/s (script ${fixed(med(of(view), (p) => p.scriptMsPerS))} ms/s)`;
      const wire = (c: boolean) =>
        `${fixed(med(st(c), (s) => s.messagesPerS))} messages/s, ${fixed(med(st(c), (s) => s.camerasPerMessage))} cameras each, ${fixed(med(st(c), (s) => s.bytesPerS) / 1024)} KiB/s`;
      const bytesRatio = med(st(true), (s) => s.bytesPerS) / Math.max(1, med(st(false), (s) => s.bytesPerS));
      const mainRatio = med(of("table"), (p) => p.mainThreadMsPerS) / Math.max(1, med(of("tiles"), (p) => p.mainThreadMsPerS));
      return {
        rows: [
          { measure: "page, 100 tiles (the old layout; changes-only stream)", value: row("tiles") },
          { measure: "page, table (the layout past 12 cameras)", value: row("table") },
          { measure: "**main thread: table / tiles**", value: fixed(mainRatio, 2) },
          { measure: "WatchCounts, every camera in every message (before)", value: wire(false) },
          { measure: "WatchCounts, changes_only (the page now)", value: wire(true) },
          { measure: "**WatchCounts bytes: changes_only / full**", value: fixed(bytesRatio, 3) },
        ],
        notes: [
          `${CAMERAS} cameras with an open capture session; a load script moves people in view on ${CHANGES_PER_S} cameras a second in the server's registry (as a processed frame does), so every camera changes about twice a second; no detection runs.`,
          `Chromium (${rounds} round(s), ${windowMs} ms windows, tiles and table interleaved): first render = navigation start to 100 cameras in the DOM (performance.now()); main thread = CDP Performance TaskDuration per second of wall time while the cameras change.`,
          "Measured on a shared, loaded machine: compare the ratios, not the absolute figures.",
        ],
        data: { cameras: CAMERAS, changesPerS: CHANGES_PER_S, rounds, windowMs, pages, streams },
      };
    } finally {
      await browser.close();
      await web.stop();
      await ts.stop();
    }
  },
};
