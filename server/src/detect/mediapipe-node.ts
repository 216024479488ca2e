/**
 * Runs `@mediapipe/tasks-vision` (published for browsers only) inside Node 20
 * on the CPU. Every browser global the bundle needs is installed here and
 * nowhere else, each with the reason it exists. Facts checked against 1.1.0;
 * `mediapipe-node.test.ts` fails loudly if a version bump breaks them.
 *
 * Side effects on the calling thread (meant to be a detector worker):
 * `self`, `importScripts`, `import`, `WebGLRenderingContext` are defined and
 * `fetch` is replaced by a stand-in that refuses every request, so code that
 * needs the network must not share a thread with MediaPipe (model-resolver.ts
 * uses node:http(s) for that reason). `createTask` wraps `setInterval` only
 * while a task is being created.
 */
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/** What `import("@mediapipe/tasks-vision")` resolves to. */
export type VisionModule = typeof import("@mediapipe/tasks-vision");

/** Where the wasm loader and binary are (the shape the tasks' `WasmFileset` takes). */
export interface WasmFiles {
  readonly wasmLoaderPath: string;
  readonly wasmBinaryPath: string;
}

/** Receives the wasm runtime's own log lines (glog and TFLite output). */
export type WasmLogSink = (line: string) => void;

/** Name carried by the error the `fetch` stand-in rejects with. */
export const NETWORK_REFUSED = "HeadcountNetworkRefused";

const INSTALLED = Symbol.for("headcount.mediapipe-node.installed");
type ShimGlobal = Record<string | symbol, unknown>;
let wasmLogSink: WasmLogSink = defaultWasmLog;
let loading: Promise<VisionModule> | undefined;

/**
 * Installs the shims (once per thread) and imports the vision bundle.
 * `onWasmLog` replaces where the wasm runtime's log lines go; by default
 * warnings and errors reach stderr and INFO chatter is dropped.
 */
export function loadMediaPipeVision(onWasmLog?: WasmLogSink): Promise<VisionModule> {
  if (onWasmLog) wasmLogSink = onWasmLog;
  installGlobals();
  // A dynamic import so the bundle is evaluated only after the globals exist.
  loading ??= import("@mediapipe/tasks-vision");
  return loading;
}

/** The wasm loader and binary, as file URLs into node_modules (never the network). */
export function visionWasmFileset(): WasmFiles {
  const bundle = createRequire(import.meta.url).resolve("@mediapipe/tasks-vision");
  const wasmDir = join(dirname(bundle), "wasm");
  return {
    // The ES-module build: its emscripten runtime detects Node and reads the
    // .wasm with `fs`, and it can be loaded with `import()`.
    wasmLoaderPath: pathToFileURL(join(wasmDir, "vision_wasm_module_internal.js")).href,
    wasmBinaryPath: pathToFileURL(join(wasmDir, "vision_wasm_module_internal.wasm")).href,
  };
}

/** Period of the bundle's usage-statistics timer (`setInterval(flush, 6e4)`). */
const STATISTICS_PERIOD_MS = 60_000;

/**
 * Runs a task factory such as `ObjectDetector.createFromOptions`. The bundle
 * starts its 60 s usage-statistics timer before it loads the model; when
 * loading then fails, nobody can close the half-built task and the timer
 * would hold the thread open for a minute. This stops it in that case and
 * unrefs it in every case (a task's `close()` clears it as usual).
 */
export async function createTask<T>(factory: () => Promise<T>): Promise<T> {
  const started: ReturnType<typeof setInterval>[] = [];
  const original = globalThis.setInterval;
  const recording = (...args: unknown[]): ReturnType<typeof setInterval> => {
    const timer = Reflect.apply(original, globalThis, args) as ReturnType<typeof setInterval>;
    if (args[1] === STATISTICS_PERIOD_MS) started.push(timer.unref());
    return timer;
  };
  globalThis.setInterval = recording as typeof setInterval;
  try {
    return await factory();
  } catch (error) {
    for (const timer of started) clearInterval(timer);
    throw error;
  } finally {
    globalThis.setInterval = original;
  }
}

function installGlobals(): void {
  const g = globalThis as unknown as ShimGlobal;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;

  // The bundle reads globals through `self` (a browser/worker name).
  g.self = globalThis;

  // The loader calls `importScripts(url)` when it is a function and, when
  // that throws a TypeError (as in module workers), falls back to
  // `self.import(url)`. Without it the loader would reach for `document`.
  g.importScripts = () => {
    throw new TypeError("importScripts is not available in Node");
  };

  // `self.import(url)` is expected to leave `self.ModuleFactory` behind. The
  // ES-module loader sets it only when first evaluated and the bundle clears
  // it after each use, so a second task in the same thread would fail with
  // "ModuleFactory not set". Setting it from the (cached) module's default
  // export on every call fixes that. The wasm runtime logs through
  // `self.Module.print/printErr` (read as the emscripten module's arguments)
  // and glog through the global `custom_dbg` (set to console.warn when the
  // loader is evaluated): route all three to our log sink.
  g.import = async (url: string): Promise<void> => {
    const loader = (await import(url)) as { default: unknown };
    const sink = (line: string): void => wasmLogSink(line.trimEnd());
    g.ModuleFactory = loader.default;
    g.Module = { print: sink, printErr: sink };
    g.custom_dbg = sink;
  };

  // emscripten checks `gl instanceof WebGLRenderingContext` to tell WebGL 1
  // from 2. Our WebGL 2 stand-in must not be an instance of this class.
  g.WebGLRenderingContext ??= class WebGLRenderingContext {};

  // Privacy: the npm build posts usage statistics to a Google logging
  // endpoint (odml.pa.googleapis.com) every 60 s and on close(), through the
  // global `fetch`. Nothing here needs the network (the wasm is read from
  // disk, the model is passed as bytes), so every request is refused. The
  // bundle catches the rejection and stops logging. XMLHttpRequest and
  // navigator.sendBeacon do not exist in Node, so they need no stand-in.
  g.fetch = (input: unknown): Promise<never> => {
    const url = input instanceof Request ? input.url : String(input);
    const error = new Error(`headcount makes no network requests; refused fetch(${url}) (see mediapipe-node.ts)`);
    error.name = NETWORK_REFUSED;
    return Promise.reject(error);
  };
}

/**
 * Warnings 1.1.0 prints on every task creation that need no action:
 * the SSD model names its box tensor "locations", so MediaPipe falls back to
 * the default output order (which is this model's order: boxes come out right
 * in the tests); GL error checking is off because there is no real GL; and
 * TFLite feedback tensors are a feature we do not use.
 */
const HARMLESS_WARNINGS = ["You don't seem to be matching tensor names", "OpenGL error checking is disabled", "Feedback manager requires a model with a single signature"];

function defaultWasmLog(line: string): void {
  // glog lines start with a severity letter and a date ("I1125 12:00:00 ...").
  if (/^I\d{4} /.test(line) || line.startsWith("INFO: ") || line.startsWith("Graph ")) return;
  if (HARMLESS_WARNINGS.some((warning) => line.includes(warning))) return;
  console.error(`[mediapipe] ${line}`);
}
