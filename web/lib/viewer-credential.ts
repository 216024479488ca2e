/**
 * The count page's viewer token (from AccessService.SignIn when the server
 * has a viewer password), kept in localStorage and sent with every
 * CountService and AccessService call by {@link viewerInterceptor}. A call
 * the server refuses with UNAUTHENTICATED forgets the token and tells the
 * sign-in gate, which asks for the password again.
 */

import type { RpcError, RpcInterceptor, RpcOptions } from "@protobuf-ts/runtime-rpc";
import type { KeyValueStore } from "./capture/camera-identity.ts";
import { decodeGrpcMessage } from "./rpc-errors.ts";

/** localStorage key of the viewer token. */
export const VIEWER_TOKEN_KEY = "headcount.viewerToken";

const signOutListeners = new Set<(reason: string) => void>();

/**
 * When a viewer token expires (Unix ms), read from its `v1.<expiry base36>.<mac>`
 * form; null for anything else. Only for deciding when to ask again: the server decides validity.
 */
export function viewerTokenExpiry(token: string): number | null {
  const match = /^v1\.([0-9a-z]{1,12})\.[A-Za-z0-9_-]+$/.exec(token);
  return match ? parseInt(match[1]!, 36) : null;
}

/** The stored token if it has not expired at `nowMs`, else null. */
export function storedViewerToken(store: KeyValueStore | null, nowMs: number): string | null {
  let token: string | null = null;
  try {
    token = store?.getItem(VIEWER_TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
  const expiry = token === null ? null : viewerTokenExpiry(token);
  return token !== null && expiry !== null && expiry > nowMs ? token : null;
}

/** Remembers a token from SignIn. */
export function saveViewerToken(store: KeyValueStore | null, token: string): void {
  try {
    store?.setItem(VIEWER_TOKEN_KEY, token);
  } catch {
    // Private mode: the sign-in lasts as long as the page.
  }
}

/** Forgets the token and tells every listener why (the gate shows the reason). */
export function signOutViewer(store: KeyValueStore | null, reason: string): void {
  try {
    store?.setItem(VIEWER_TOKEN_KEY, "");
  } catch {
    // Nothing stored to forget.
  }
  for (const listener of signOutListeners) listener(reason);
}

/** Subscribes to sign-outs; returns the unsubscribe function. */
export function onViewerSignOut(listener: (reason: string) => void): () => void {
  signOutListeners.add(listener);
  return () => signOutListeners.delete(listener);
}

/**
 * Adds the stored viewer token to calls that carry no credential, and signs
 * the viewer out when the server refuses one with UNAUTHENTICATED (expired,
 * or the password changed). SignIn itself is left alone.
 */
export function viewerInterceptor(store: () => KeyValueStore | null): RpcInterceptor {
  const withToken = (options: RpcOptions): RpcOptions => {
    const token = storedViewerToken(store(), Date.now());
    if (!token || options.meta?.["authorization"] !== undefined) return options;
    return { ...options, meta: { ...options.meta, authorization: `Bearer ${token}` } };
  };
  const watch = (error: unknown): void => {
    const e = error as Partial<RpcError> | null;
    if (e?.code === "UNAUTHENTICATED") signOutViewer(store(), decodeGrpcMessage(e.message ?? "sign in again"));
  };
  return {
    interceptUnary(next, method, input, options) {
      if (method.name === "SignIn") return next(method, input, options);
      const call = next(method, input, withToken(options));
      call.response.catch(watch);
      return call;
    },
    interceptServerStreaming(next, method, input, options) {
      const call = next(method, input, withToken(options));
      call.responses.onError(watch);
      return call;
    },
  };
}
