import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RpcError, UnaryCall, type MethodInfo, type RpcOptions } from "@protobuf-ts/runtime-rpc";
import { onViewerSignOut, saveViewerToken, storedViewerToken, VIEWER_TOKEN_KEY, viewerInterceptor, viewerTokenExpiry } from "./viewer-credential.ts";

/** A fake localStorage. */
function fakeStore() {
  const map = new Map<string, string>();
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

const token = (expiryMs: number) => `v1.${expiryMs.toString(36)}.${"A".repeat(43)}`;
const method = (name: string) => ({ name, service: { typeName: "headcount.v1.CountService" } }) as unknown as MethodInfo;

/** A fake unary `next` that records the options it got and answers with `outcome`. */
function fakeNext(outcome: Error | null) {
  const seen: RpcOptions[] = [];
  const next = (m: MethodInfo, input: object, options: RpcOptions) => {
    seen.push(options);
    const response = outcome ? Promise.reject(outcome) : Promise.resolve({});
    response.catch(() => undefined);
    return new UnaryCall(m, options.meta ?? {}, input, Promise.resolve({}), response, Promise.resolve({ code: "OK", detail: "" }), Promise.resolve({}));
  };
  return { next, seen };
}

describe("viewer credential", () => {
  it("reads a token's expiry and keeps only unexpired tokens", () => {
    assert.equal(viewerTokenExpiry(token(5_000)), 5_000);
    assert.equal(viewerTokenExpiry("v2.x.y"), null);
    const store = fakeStore();
    saveViewerToken(store, token(5_000));
    assert.equal(store.map.get(VIEWER_TOKEN_KEY), token(5_000));
    assert.equal(storedViewerToken(store, 4_999), token(5_000));
    assert.equal(storedViewerToken(store, 5_000), null);
  });

  it("the interceptor sends the stored token, but not with SignIn and not over a credential the call already has", async () => {
    const store = fakeStore();
    saveViewerToken(store, token(Date.now() + 60_000));
    const interceptor = viewerInterceptor(() => store);
    const { next, seen } = fakeNext(null);
    await interceptor.interceptUnary!(next, method("ListCameras"), {}, {}).response;
    await interceptor.interceptUnary!(next, method("SignIn"), {}, {}).response;
    await interceptor.interceptUnary!(next, method("SetCountingLine"), {}, { meta: { authorization: "Bearer session" } }).response;
    assert.deepEqual(seen.map((o) => o.meta?.["authorization"]), [`Bearer ${store.map.get(VIEWER_TOKEN_KEY)}`, undefined, "Bearer session"]);
  });

  it("an UNAUTHENTICATED answer forgets the token and tells the sign-in gate why", async () => {
    const store = fakeStore();
    saveViewerToken(store, token(Date.now() + 60_000));
    const reasons: string[] = [];
    const off = onViewerSignOut((r) => reasons.push(r));
    try {
      const { next } = fakeNext(new RpcError("your%20sign-in%20has%20expired", "UNAUTHENTICATED"));
      await assert.rejects(viewerInterceptor(() => store).interceptUnary!(next, method("ListCameras"), {}, {}).response);
      await new Promise((r) => setTimeout(r, 0));
      assert.deepEqual(reasons, ["your sign-in has expired"]);
      assert.equal(storedViewerToken(store, Date.now()), null);
      const { next: other } = fakeNext(new RpcError("gone", "NOT_FOUND"));
      await assert.rejects(viewerInterceptor(() => store).interceptUnary!(other, method("ListCameras"), {}, {}).response);
      assert.equal(reasons.length, 1, "other failures do not sign out");
    } finally {
      off();
    }
  });
});
