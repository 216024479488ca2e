import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CaptureService } from "@headcount/proto/capture";
import type {
  OpenSessionRequest,
  OpenSessionResponse,
  WatchAcksRequest,
  WatchAcksResponse,
} from "@headcount/proto/capture";
import { FrameStatus } from "@headcount/proto/types";
import { RpcError, RpcOutputStreamController, ServerStreamingCall, UnaryCall } from "@protobuf-ts/runtime-rpc";
import type { MethodInfo, RpcMetadata, RpcOptions } from "@protobuf-ts/runtime-rpc";
import { ReconnectBackoff } from "../reconnect-backoff.ts";
import { SessionLink } from "./session-link.ts";
import type { LinkState, SessionLinkClient } from "./session-link-types.ts";

function method(name: string): MethodInfo {
  const found = CaptureService.methods.find((m) => m.name === name);
  if (!found) throw new Error(`the generated CaptureService lacks ${name}`);
  return found;
}
const openMethod = method("OpenSession");
const watchMethod = method("WatchAcks");
const OK = Promise.resolve({ code: "OK", detail: "" });

interface FakeWatch {
  readonly request: WatchAcksRequest;
  readonly meta: RpcMetadata;
  readonly stream: RpcOutputStreamController<WatchAcksResponse>;
}

/** A scripted stand-in for the server: OpenSession answers come from `openScript`, watches are driven by the test. */
class FakeCaptureServer implements SessionLinkClient {
  readonly opens: OpenSessionRequest[] = [];
  readonly openMeta: RpcMetadata[] = [];
  readonly watches: FakeWatch[] = [];
  readonly openScript: (OpenSessionResponse | RpcError)[] = [];

  openSession(input: OpenSessionRequest, options?: RpcOptions): UnaryCall<OpenSessionRequest, OpenSessionResponse> {
    this.opens.push(input);
    this.openMeta.push(options?.meta ?? {});
    const next = this.openScript.shift() ?? new RpcError("Failed to fetch", "INTERNAL");
    const response = next instanceof RpcError ? Promise.reject(next) : Promise.resolve(next);
    response.catch(() => undefined);
    return new UnaryCall(openMethod, options?.meta ?? {}, input, Promise.resolve({}), response, OK, Promise.resolve({}));
  }

  watchAcks(input: WatchAcksRequest, options?: RpcOptions): ServerStreamingCall<WatchAcksRequest, WatchAcksResponse> {
    const stream = new RpcOutputStreamController<WatchAcksResponse>();
    options?.abort?.addEventListener("abort", () => {
      if (!stream.closed) stream.notifyError(new RpcError("aborted", "CANCELLED"));
    });
    this.watches.push({ request: input, meta: options?.meta ?? {}, stream });
    return new ServerStreamingCall(watchMethod, options?.meta ?? {}, input, Promise.resolve({}), stream, OK, Promise.resolve({}));
  }

  /** The newest watch call. */
  get watch(): FakeWatch {
    const last = this.watches.at(-1);
    if (!last) throw new Error("no WatchAcks call yet");
    return last;
  }
}

const session = (id: string): OpenSessionResponse => ({
  sessionId: id,
  sessionToken: `token-of-${id}`,
  cameraId: "cam-test",
  cameraName: "Stored name",
  lines: [],
  zones: [],
  limits: { maxFrameBytes: 1_000_000, maxFps: 15, maxInFlight: 2, maxPixels: 2_000_000, maxBytesPerSecond: 8_000_000 },
});

/** An ack as the server sends it: `cursor` is its place in the order the server sent the session's acks. */
const ack = (seq: number, cursor = seq): WatchAcksResponse => ({
  cursor,
  ack: {
    seq,
    status: FrameStatus.PROCESSED,
    detail: "",
    capturedAtMs: 0,
    receivedAtMs: 0,
    decodedWidth: 0,
    decodedHeight: 0,
    jpegBytes: 0,
    people: [],
    detectionSkipped: false,
    lineCounts: [],
    zoneCounts: [],
    placesChanged: false,
    lines: [],
    zones: [],
  },
});

/** A link on the fake with a millisecond backoff, recording everything it reports; `run` starts at once. */
function setup(openScript: (OpenSessionResponse | RpcError)[]) {
  const server = new FakeCaptureServer();
  server.openScript.push(...openScript);
  const states: { state: LinkState; waiting: boolean }[] = [];
  const acks: number[] = [];
  const errors: string[] = [];
  const notices: string[] = [];
  const refusals: string[] = [];
  const takeovers: string[] = [];
  const opened: string[] = [];
  const link = new SessionLink({
    client: server,
    baseUrl: "http://fake:8080",
    identity: () => ({ cameraId: "cam-test", cameraName: "", newCameraName: "Test" }),
    captureToken: "pairing-token-0123456789",
    backoff: new ReconnectBackoff({ minMs: 1, maxMs: 4, random: () => 0.5 }),
    events: {
      state: (state, retryAtMs) => states.push({ state, waiting: retryAtMs !== null }),
      opened: (s) => opened.push(s.cameraName),
      ack: (a) => acks.push(a.seq),
      error: (message) => errors.push(message),
      notice: (message) => notices.push(message),
      refused: (failure) => refusals.push(failure.code),
      takenOver: (failure) => takeovers.push(failure.message),
    },
  });
  const abort = new AbortController();
  const done = link.run(abort.signal);
  const lastState = () => states.at(-1)?.state;
  const stop = async () => {
    abort.abort();
    await done;
  };
  return { server, link, states, acks, errors, notices, refusals, takeovers, opened, done, stop, lastState };
}

/** Runs a scenario and always stops the link, so a failed assertion cannot leave it retrying. */
async function scenario(
  openScript: (OpenSessionResponse | RpcError)[],
  body: (t: ReturnType<typeof setup>) => Promise<void>,
): Promise<void> {
  const t = setup(openScript);
  try {
    await body(t);
  } finally {
    await t.stop();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe("SessionLink", () => {
  it("opens a session with the capture token, goes live, and watches acks with the session header and the session's own token", async () => {
    await scenario([session("s1")], async (t) => {
      await until(() => t.server.watches.length === 1, "the first watch");
      assert.equal(t.lastState(), "live");
      assert.deepEqual(t.server.opens, [{ cameraId: "cam-test", cameraName: "", newCameraName: "Test" }]);
      assert.deepEqual(t.opened, ["Stored name"], "the server's name is reported");
      assert.match(String(t.server.openMeta[0]?.["x-session-id"]), /^[A-Za-z0-9_-]{24}$/, "proposes a session id");
      assert.equal(t.server.openMeta[0]?.["authorization"], "Bearer pairing-token-0123456789");
      assert.deepEqual(t.server.watch.request, { sessionId: "s1", resumeAfterSeq: 0, resumeAfterCursor: 0 });
      assert.deepEqual(t.server.watch.meta, { "x-session-id": "s1", authorization: "Bearer token-of-s1" });
      t.server.watch.stream.notifyMessage(ack(1));
      t.server.watch.stream.notifyMessage(ack(2));
      await until(() => t.acks.length === 2, "two acks");
      assert.equal(t.link.lastAckedSeq, 2);
      await t.stop();
      assert.equal(t.link.session, null);
    });
  });

  it("after a lost stream, backs off, resumes after the last ack, and is live again only on evidence", async () => {
    await scenario([session("s1")], async (t) => {
      await until(() => t.server.watches.length === 1, "the first watch");
      // Ack 5 was the first one the server sent on this session (cursor 1).
      t.server.watch.stream.notifyMessage(ack(5, 1));
      await until(() => t.acks.length === 1, "an ack");
      t.server.watch.stream.notifyError(new RpcError("Failed to fetch", "INTERNAL"));
      await until(() => t.server.watches.length === 2, "the second watch");
      assert.ok(t.states.some((s) => s.state === "reconnecting" && s.waiting), "waited with a countdown");
      assert.match(t.errors[0] ?? "", /Lost the ack stream: the server cannot be reached/);
      assert.deepEqual(t.server.watch.request, { sessionId: "s1", resumeAfterSeq: 5, resumeAfterCursor: 1 });
      assert.equal(t.server.opens.length, 1, "the session was kept");
      // The new call alone is no proof: still reconnecting, but frames may go out to prove it.
      assert.equal(t.lastState(), "reconnecting");
      const sendable = t.link.sendableSession;
      assert.equal(sendable?.id, "s1");
      if (sendable) t.link.confirm(sendable);
      assert.equal(t.lastState(), "live");
    });
  });

  it("reopens at once when the server forgot the session, but backs off if it happens again without an ack", async () => {
    await scenario([session("s1"), session("s2"), session("s3")], async (t) => {
      await until(() => t.server.watches.length === 1, "the first watch");
      const waitsBefore = t.states.filter((s) => s.waiting).length;
      t.server.watch.stream.notifyError(new RpcError("unknown%20session", "NOT_FOUND"));
      await until(() => t.server.watches.length === 2, "a watch on the new session");
      assert.equal(t.server.watch.request.sessionId, "s2");
      assert.equal(t.states.filter((s) => s.waiting).length, waitsBefore, "no backoff before reopening");
      assert.equal(t.lastState(), "live");
      assert.match(t.notices[0] ?? "", /no longer knows this session/);
      t.server.watch.stream.notifyError(new RpcError("unknown session", "NOT_FOUND"));
      await until(() => t.server.watches.length === 3, "a watch on the third session");
      assert.ok(t.states.filter((s) => s.waiting).length > waitsBefore, "backed off the second time");
      assert.equal(t.server.watch.request.sessionId, "s3");
    });
  });

  it("explains an unreachable server and keeps trying until it answers", async () => {
    const unreachable = () => new RpcError("Failed to fetch", "INTERNAL");
    await scenario([unreachable(), unreachable()], async (t) => {
      await until(() => t.server.opens.length === 2, "a second attempt");
      assert.equal(t.link.sendableSession, null);
      assert.match(t.errors[0] ?? "", /Cannot reach the headcount server at http:\/\/fake:8080 \(Failed to fetch\)/);
      assert.deepEqual(t.states[0], { state: "connecting", waiting: false });
      t.server.openScript.push(session("s1"));
      await until(() => t.lastState() === "live", "live");
    });
  });

  it("hints at a wrong endpoint when OpenSession is not found", async () => {
    await scenario([new RpcError("NOT_FOUND", "NOT_FOUND")], async (t) => {
      await until(() => t.errors.length === 1, "an error");
      assert.match(t.errors[0] ?? "", /is HEADCOUNT_GRPC_WEB_URL pointing at the gRPC-Web endpoint\?/);
    });
  });

  for (const code of ["UNAUTHENTICATED", "PERMISSION_DENIED"]) {
    it(`stops for good when OpenSession answers ${code}: no retry, no countdown, one refusal reported`, async () => {
      await scenario([new RpcError("this%20device%20is%20not%20paired", code), session("never")], async (t) => {
        // The run ends by itself (it does not wait for a Stop).
        await t.done;
        assert.deepEqual(t.refusals, [code]);
        assert.equal(t.server.opens.length, 1, "asked once");
        assert.ok(!t.states.some((s) => s.waiting || s.state === "reconnecting"), "never reconnecting");
        assert.deepEqual(t.errors, [], "a refusal is not a connection error");
      });
    });
  }
});

describe("SessionLink takeover", () => {
  it("stops for good when the ack stream says another session took the camera over: reported once, no reopen, no countdown", async () => {
    await scenario([session("s1"), session("never")], async (t) => {
      await until(() => t.server.watches.length === 1, "the first watch");
      t.server.watch.stream.notifyError(new RpcError("camera%20cam-test%20is%20now%20capturing%20from%20another%20session", "ABORTED"));
      await t.done;
      assert.equal(t.server.opens.length, 1, "no new session: that would take the camera back");
      assert.equal(t.server.watches.length, 1, "no resume either");
      assert.deepEqual(t.takeovers, ["camera cam-test is now capturing from another session"]);
      assert.deepEqual(t.errors, [], "not a connection error");
      assert.ok(!t.states.some((s) => s.waiting), "no countdown");
    });
  });

  it("an upload answered ABORTED on the current session stops the link the same way", async () => {
    await scenario([session("s1"), session("never")], async (t) => {
      await until(() => t.server.watches.length === 1, "the first watch");
      const current = t.link.session!;
      t.link.takenOver(current, { code: "ABORTED", message: "taken", network: false });
      await t.done;
      assert.deepEqual(t.takeovers, ["taken"]);
      assert.equal(t.server.opens.length, 1);
    });
  });

  it("the page's own reconnect is not a takeover: an ABORTED about a session it already left is ignored", async () => {
    await scenario([session("s1"), session("s2")], async (t) => {
      await until(() => t.server.watches.length === 1, "the first watch");
      const old = t.link.session!;
      // The server forgot s1 (another replica answered): the link opens s2, which takes the camera over from s1.
      t.server.watch.stream.notifyError(new RpcError("unknown session", "NOT_FOUND"));
      await until(() => t.server.watches.length === 2, "a watch on s2");
      // A late upload to s1 is answered ABORTED: that is this page's own new session, not another device.
      t.link.takenOver(old, { code: "ABORTED", message: "camera cam-test is now capturing from another session", network: false });
      t.server.watch.stream.notifyMessage(ack(1));
      await until(() => t.acks.length === 1, "s2 still acks");
      assert.deepEqual(t.takeovers, []);
      assert.equal(t.link.session?.id, "s2");
      assert.equal(t.lastState(), "live");
    });
  });
});
