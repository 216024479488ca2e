import { setTimeout as sleep } from "node:timers/promises";
import { RpcError } from "@protobuf-ts/runtime-rpc";

/** Polls a synchronous condition every 10 ms; fails naming `what` after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Polls an async probe (e.g. a page query) until it returns a truthy value, which it resolves with. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The gRPC status name a call ends with: "OK", or the RpcError's code. Other errors are rethrown. */
export async function rpcCode(call: PromiseLike<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (e) {
    if (e instanceof RpcError) return e.code;
    throw e;
  }
}
