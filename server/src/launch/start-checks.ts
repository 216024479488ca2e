import { isAbsolute, resolve } from "node:path";
import { ConfigError, loadConfig } from "../config.ts";
import { ModelError, resolveModel } from "../detect/model-resolver.ts";
import { SERVER_PACKAGE_DIR } from "../package-dir.ts";

/** A reason `npm start` cannot start, in plain words, with the exit code to end with. */
export class StartRefused extends Error {
  override readonly name = "StartRefused";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * The server's environment as `npm start` gives it: a relative HEADCOUNT_MODEL
 * is taken from where the command was typed (npm's INIT_CWD), not from the
 * server package the server runs in.
 */
export function serverEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const model = env.HEADCOUNT_MODEL?.trim();
  if (!model || isAbsolute(model)) return env;
  return { ...env, HEADCOUNT_MODEL: resolve(env.INIT_CWD ?? process.cwd(), model) };
}

/**
 * What would stop the server at once, checked before anything is built or
 * started, so that it is the last thing `npm start` prints: the configuration,
 * and the detection model (found, cached, or downloaded once now). Throws
 * {@link StartRefused}.
 */
export async function checkServerCanStart(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new StartRefused(err.message, 2);
    throw err;
  }
  if (config.detector !== "mediapipe") return;
  try {
    await resolveModel({
      modelPath: config.modelPath ? resolve(SERVER_PACKAGE_DIR, config.modelPath) : undefined,
      cacheDir: resolve(SERVER_PACKAGE_DIR, config.modelCacheDir),
      allowDownload: config.modelDownload,
      log,
    });
  } catch (err) {
    if (!(err instanceof ModelError)) throw err;
    throw new StartRefused(
      `${err.message}\n\nStart it with a person detection model (.tflite) you have:\n\n    HEADCOUNT_MODEL=/path/to/model.tflite npm start\n`,
      1,
    );
  }
}
