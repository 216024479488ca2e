import { fileURLToPath } from "node:url";

/**
 * The server package's folder (`server/`). `npm start` runs the server with
 * this as its working directory, so relative HEADCOUNT_* paths (the default
 * data directory `data`, the model cache `data/models`) are relative to it.
 */
export const SERVER_PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
