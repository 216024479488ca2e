import type { MethodInfo, NextDuplexStreamingFn, NextServerStreamingFn, NextUnaryFn, RpcInterceptor, RpcOptions } from "@protobuf-ts/runtime-rpc";

/** The shared capture token every test server is configured with unless a test says otherwise. */
export const TEST_CAPTURE_TOKEN = "test-capture-token-not-a-secret";

/**
 * A client interceptor for tests that are not about access control: it sends
 * `captureToken` with OpenSession and StreamFrames, remembers each session's
 * token from OpenSession's answer, and sends it with that session's
 * UploadFrame and WatchAcks. For a session it does not know (made up, or
 * from before a restart) it sends `captureToken`, as a client holding a stale
 * token would, so the server answers about the session (NOT_FOUND) rather than
 * about a missing credential. A call that already carries an `authorization`
 * header is left alone, so tests can still send wrong credentials on purpose.
 */
export function autoCredentials(captureToken: string | undefined): RpcInterceptor {
  const sessionTokens = new Map<string, string>();
  const withAuth = (options: RpcOptions, token: string | undefined): RpcOptions =>
    token === undefined || options.meta?.["authorization"] !== undefined ? options : { ...options, meta: { ...options.meta, authorization: `Bearer ${token}` } };
  const sessionTokenFor = (input: object, options: RpcOptions): string | undefined => {
    const fromBody = (input as { sessionId?: unknown }).sessionId;
    const fromHeader = options.meta?.["x-session-id"];
    const id = typeof fromBody === "string" && fromBody ? fromBody : typeof fromHeader === "string" ? fromHeader : undefined;
    return (id === undefined ? undefined : sessionTokens.get(id)) ?? captureToken;
  };
  const isCapture = (method: MethodInfo) => method.service.typeName === "headcount.v1.CaptureService";
  return {
    interceptUnary(next: NextUnaryFn, method, input, options) {
      if (!isCapture(method)) return next(method, input, options);
      if (method.name === "OpenSession") {
        const call = next(method, input, withAuth(options, captureToken));
        call.response.then(
          (r) => {
            const { sessionId, sessionToken } = r as { sessionId: string; sessionToken: string };
            sessionTokens.set(sessionId, sessionToken);
          },
          () => undefined,
        );
        return call;
      }
      return next(method, input, withAuth(options, sessionTokenFor(input, options)));
    },
    interceptServerStreaming(next: NextServerStreamingFn, method, input, options) {
      return next(method, input, isCapture(method) ? withAuth(options, sessionTokenFor(input, options)) : options);
    },
    interceptDuplex(next: NextDuplexStreamingFn, method, options) {
      return next(method, isCapture(method) ? withAuth(options, captureToken) : options);
    },
  };
}
