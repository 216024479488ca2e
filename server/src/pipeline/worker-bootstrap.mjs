// Node 20 does not apply the parent's `--import tsx` loader hooks to worker
// threads, so each worker registers tsx itself before loading its TypeScript
// entry (passed as workerData.entry).
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register();
await import(workerData.entry);
