import { basename, resolve } from "node:path";
import { createServer } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { resolveModel } from "./detect/model-resolver.ts";
import { createLogger } from "./logger.ts";

/**
 * Entry point: load the configuration once, resolve the model, build the
 * server, listen, and stop cleanly on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`headcount-server: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  let model: Uint8Array | undefined;
  let modelName: string | undefined;
  if (config.detector === "mediapipe") {
    const resolved = await resolveModel({
      modelPath: config.modelPath ? resolve(config.modelPath) : undefined,
      cacheDir: resolve(config.modelCacheDir),
      allowDownload: config.modelDownload,
      log: (line) => log.info(line),
    });
    log.info({ source: resolved.source, bytes: resolved.bytes.length }, "detection model loaded");
    model = resolved.bytes;
    modelName = basename(resolved.source).replace(/\.tflite$/, "");
  }
  const server = await createServer(config, log, { model, modelName });
  const ports = await server.listen();
  log.info(ports, "headcount server ready");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`headcount-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
