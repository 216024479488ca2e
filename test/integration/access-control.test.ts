import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { promisify } from "node:util";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { RpcError, type RpcOptions } from "@protobuf-ts/runtime-rpc";
import { ReceiptStatus } from "@headcount/proto/capture";
import { extractJpegFrames } from "../support/footage-frames.ts";
import { oneByOneVideo, repoRoot } from "../support/paths.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { rpcCode } from "../support/waiting.ts";

const SHARED = "shared-token-for-the-kiosks-0123";
const PASSWORD = "correct horse battery";
const bearer = (token: string, sessionId?: string): RpcOptions => ({ meta: { authorization: `Bearer ${token}`, ...(sessionId ? { "x-session-id": sessionId } : {}) } });

/** The message of a failed call, for asserting that it says what to do. */
async function failure(call: PromiseLike<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof RpcError) return { code: e.code, message: decodeURIComponent(e.message) };
    throw e;
  }
  return { code: "OK", message: "" };
}

let frame: Buffer;
before(() => {
  frame = extractJpegFrames(oneByOneVideo, { startS: 8, count: 1, fps: 10, width: 320 })[0]!;
});

for (const transport of ["native", "grpc-web"] as const) {
  describe(`access control over ${transport}: capture needs a pairing or the shared token, a session needs its own token`, () => {
    let ts: TestServer;
    const clients = () => (transport === "native" ? ts.bare.native : ts.bare.web());
    before(async () => {
      ts = await startTestServer({ config: { access: { captureAuth: true, captureToken: SHARED, viewerPassword: undefined, viewerTokenTtlMs: 60_000 } } });
    });
    after(async () => ts?.stop());

    test("no credential, a made-up one, or another camera's pairing token cannot open a session", async () => {
      const { capture, access } = clients();
      const none = await failure(capture.openSession({ cameraId: "door", cameraName: "" }).response);
      assert.equal(none.code, "UNAUTHENTICATED");
      assert.match(none.message, /not paired.*Pair a device.*Make pairing link/);
      assert.equal((await failure(capture.openSession({ cameraId: "door", cameraName: "" }, bearer("hp_madeupmadeupmadeupmadeup")).response)).code, "UNAUTHENTICATED");
      const { token } = await access.pairCamera({ cameraId: "door", cameraName: "Door" }).response;
      const other = await failure(capture.openSession({ cameraId: "hall", cameraName: "" }, bearer(token)).response);
      assert.deepEqual(other, { code: "PERMISSION_DENIED", message: "this pairing token is for camera door, not hall" });
      assert.equal(await rpcCode(capture.openSession({ cameraId: "door", cameraName: "" }, bearer(token)).response), "OK");
      assert.equal(await rpcCode(capture.openSession({ cameraId: "hall", cameraName: "" }, bearer(SHARED)).response), "OK", "the shared token opens any camera");
    });

    test("uploads and the ack stream need the session's own token; a pairing token or another session's token is refused", async () => {
      const { capture, access } = clients();
      const { token: pairing } = await access.pairCamera({ cameraId: "porch", cameraName: "" }).response;
      const mine = await capture.openSession({ cameraId: "porch", cameraName: "" }, bearer(pairing)).response;
      // Another camera's: a second session of "porch" would take it over from the first.
      const theirs = await capture.openSession({ cameraId: "porch-2", cameraName: "" }, bearer(SHARED)).response;
      assert.match(mine.sessionToken, /^hs_[A-Za-z0-9_-]{43}$/);
      assert.notEqual(mine.sessionToken, theirs.sessionToken);
      const upload = (seq: number, options?: RpcOptions) =>
        capture.uploadFrame({ sessionId: mine.sessionId, frame: { seq, capturedAtMs: Date.now(), jpeg: frame, width: 320, height: 180 } }, options).response;
      for (const [options, what] of [[undefined, "none"], [bearer(pairing), "the pairing token"], [bearer(theirs.sessionToken), "another session's token"]] as const) {
        const refused = await failure(upload(1, options));
        assert.equal(refused.code, "UNAUTHENTICATED", `upload with ${what}`);
        const watch = capture.watchAcks({ sessionId: mine.sessionId, resumeAfterSeq: 0 }, options);
        assert.equal(await rpcCode(watch.status), "UNAUTHENTICATED", `WatchAcks with ${what}`);
      }
      assert.match((await failure(upload(1))).message, /session_token/);
      // Refused uploads were not taken: seq 1 is still new for the session's owner, and its ack arrives.
      const abort = new AbortController();
      const watch = capture.watchAcks({ sessionId: mine.sessionId, resumeAfterSeq: 0 }, { ...bearer(mine.sessionToken), abort: abort.signal });
      const first = new Promise<number>((resolve) => watch.responses.onMessage((m) => resolve(m.ack?.seq ?? -1)));
      assert.equal((await upload(1, bearer(mine.sessionToken))).status, ReceiptStatus.ACCEPTED);
      assert.equal(await first, 1);
      abort.abort();
      await rpcCode(watch.status);
    });

    test("pairing never renames or merges: a new camera on a taken id is ALREADY_EXISTS; OpenSession renames only with a typed name and answers the stored name", async () => {
      const { capture, access, count } = clients();
      const { token } = await access.pairCamera({ cameraId: "front", cameraName: "Front door", newCamera: true }).response;
      const nameOf = async () => (await count.listCameras({}).response).cameras.find((c) => c.cameraId === "front")?.name;
      assert.equal(await nameOf(), "Front door");
      // The pair panel's old bug: "Make another link" with the just-used id and a new name.
      const again = await failure(access.pairCamera({ cameraId: "front", cameraName: "Back door", newCamera: true }).response);
      assert.equal(again.code, "ALREADY_EXISTS");
      assert.match(again.message, /already exists/);
      // Another device for the chosen existing camera: a second token, and the name stays.
      assert.equal(await rpcCode(access.pairCamera({ cameraId: "front", cameraName: "Back door", newCamera: false }).response), "OK");
      assert.equal(await nameOf(), "Front door", "pairing did not rename");
      // Renamed on the Manage page; the capture page's link name does not undo it, a typed name does.
      await count.renameCamera({ cameraId: "front", name: "Lobby" }).response;
      const opened = await capture.openSession({ cameraId: "front", cameraName: "", newCameraName: "Front door" }, bearer(token)).response;
      assert.equal(opened.cameraName, "Lobby", "the server's name is the truth");
      assert.equal(await nameOf(), "Lobby");
      const typed = await capture.openSession({ cameraId: "front", cameraName: "Hall", newCameraName: "Front door" }, bearer(token)).response;
      assert.equal(typed.cameraName, "Hall");
      const created = await capture.openSession({ cameraId: "kiosk", cameraName: "", newCameraName: "Kiosk" }, bearer(SHARED)).response;
      assert.equal(created.cameraName, "Kiosk", "a link's name names a camera that is new");
    });

    test("a revoked pairing opens no new session; a session already open goes on", async () => {
      const { capture, access } = clients();
      const { token } = await access.pairCamera({ cameraId: "gate", cameraName: "" }).response;
      const open = await capture.openSession({ cameraId: "gate", cameraName: "" }, bearer(token)).response;
      assert.equal((await access.revokePairings({ cameraId: "gate" }).response).revoked, 1);
      assert.equal(await rpcCode(capture.openSession({ cameraId: "gate", cameraName: "" }, bearer(token)).response), "UNAUTHENTICATED");
      const still = await capture.uploadFrame(
        { sessionId: open.sessionId, frame: { seq: 1, capturedAtMs: Date.now(), jpeg: frame, width: 320, height: 180 } },
        bearer(open.sessionToken),
      ).response;
      assert.equal(still.status, ReceiptStatus.ACCEPTED);
      assert.equal(await rpcCode(access.revokePairings({ cameraId: "never-seen" }).response), "NOT_FOUND");
    });
  });
}

test("StreamFrames (native) needs a capture credential too", async (t) => {
  const ts = await startTestServer({ config: { access: { captureAuth: true, captureToken: undefined, viewerPassword: undefined, viewerTokenTtlMs: 60_000 } } });
  t.after(() => ts.stop());
  const call = ts.bare.native.capture.streamFrames();
  await call.requests.send({ message: { oneofKind: "open", open: { cameraId: "door", cameraName: "" } } });
  await call.requests.complete().catch(() => undefined);
  assert.equal(await rpcCode(call.status), "UNAUTHENTICATED");
  const policy = await ts.bare.native.access.getAccessPolicy({}).response;
  assert.deepEqual({ ...policy }, { viewerSignInRequired: false, captureCredentialRequired: true });
});

test("HEADCOUNT_CAPTURE_AUTH=off: anyone may open a session, but a session's acks still need its token", async (t) => {
  const ts = await startTestServer({ config: { access: { captureAuth: false, captureToken: undefined, viewerPassword: undefined, viewerTokenTtlMs: 60_000 } } });
  t.after(() => ts.stop());
  const { capture, access } = ts.bare.web();
  const open = await capture.openSession({ cameraId: "lab", cameraName: "" }).response;
  assert.equal(await rpcCode(capture.watchAcks({ sessionId: open.sessionId, resumeAfterSeq: 0 }).status), "UNAUTHENTICATED");
  assert.deepEqual({ ...(await access.getAccessPolicy({}).response) }, { viewerSignInRequired: false, captureCredentialRequired: false });
});

test("pairing tokens survive a restart and only their SHA-256 is stored", async (t) => {
  const first = await startTestServer();
  const dataDir = first.config.dataDir;
  const { token } = await first.bare.native.access.pairCamera({ cameraId: "door", cameraName: "" }).response;
  await first.server.stop();
  const files = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)));
  assert.ok(files.length > 0 && files.every((bytes) => !bytes.includes(token)), "the token itself is in no file of the data directory");
  const again = await startTestServer({ config: { dataDir } });
  t.after(() => again.stop());
  assert.equal(await rpcCode(again.bare.native.capture.openSession({ cameraId: "door", cameraName: "" }, bearer(token)).response), "OK");
  await first.stop().catch(() => undefined);
});

describe("a viewer password guards counts, history, camera changes and pairing", () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer({ config: { access: { captureAuth: true, captureToken: SHARED, viewerPassword: PASSWORD, viewerTokenTtlMs: 60_000 } } });
  });
  after(async () => ts?.stop());

  test("without a viewer token every CountService call and pairing is UNAUTHENTICATED; the policy says so", async () => {
    const { count, access } = ts.bare.web();
    assert.deepEqual({ ...(await access.getAccessPolicy({}).response) }, { viewerSignInRequired: true, captureCredentialRequired: true });
    const refused = await failure(count.listCameras({}).response);
    assert.deepEqual(refused, { code: "UNAUTHENTICATED", message: "sign in first: this count page needs the viewer password" });
    assert.equal(await rpcCode(count.watchCounts({}).status), "UNAUTHENTICATED");
    assert.equal(await rpcCode(access.pairCamera({ cameraId: "door", cameraName: "" }).response), "UNAUTHENTICATED");
  });

  // Walks the generated service descriptors, so a method added later without a
  // check fails here instead of being open to anyone on the LAN.
  test("every method of every service, present and future, refuses a caller without credentials (except the policy and SignIn)", async () => {
    const open = new Set(["GetAccessPolicy", "SignIn"]);
    for (const transport of ["native", "grpc-web"] as const) {
      const clients = transport === "native" ? ts.bare.native : ts.bare.web();
      for (const client of [clients.capture, clients.count, clients.access]) {
        for (const method of client.methods) {
          // Browsers cannot stream requests: StreamFrames is for native clients only.
          if (open.has(method.name) || (method.clientStreaming && transport === "grpc-web")) continue;
          const invoke = (client as unknown as Record<string, (...args: unknown[]) => { status: PromiseLike<unknown>; requests?: { send(message: object): Promise<void>; complete(): Promise<void> } }>)[method.localName]!;
          const call = method.clientStreaming ? invoke.call(client) : invoke.call(client, method.I.create());
          if (call.requests) await call.requests.send(method.I.create()).then(() => call.requests!.complete(), () => undefined);
          assert.equal(await rpcCode(call.status), "UNAUTHENTICATED", `${method.service.typeName}.${method.name} over ${transport} without credentials`);
        }
      }
    }
  });

  test("SignIn: a wrong password is refused, the right one gives a token that works; a tampered token does not", async () => {
    const { count, access } = ts.bare.native;
    assert.deepEqual(await failure(access.signIn({ password: "guess" }).response), { code: "UNAUTHENTICATED", message: "wrong password" });
    const { token, expiresAtMs } = await access.signIn({ password: PASSWORD }).response;
    assert.ok(expiresAtMs > Date.now() + 50_000 && expiresAtMs <= Date.now() + 60_000);
    assert.equal(await rpcCode(count.listCameras({}, bearer(token)).response), "OK");
    assert.equal(await rpcCode(access.pairCamera({ cameraId: "door", cameraName: "" }, bearer(token)).response), "OK");
    const tampered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    assert.equal(await rpcCode(count.listCameras({}, bearer(tampered)).response), "UNAUTHENTICATED");
    const forged = token.replace(/^v1\.[0-9a-z]+\./, `v1.${(Date.now() + 1e12).toString(36)}.`);
    assert.equal(await rpcCode(count.listCameras({}, bearer(forged)).response), "UNAUTHENTICATED", "a later expiry breaks the signature");
  });

  test("a capture session may set its own camera's line with its session token, not another camera's", async () => {
    const { capture, count } = ts.bare.native;
    const open = await capture.openSession({ cameraId: "door", cameraName: "" }, bearer(SHARED)).response;
    const line = { ax: 0.5, ay: 0, bx: 0.5, by: 1, inSideLeft: true };
    assert.equal(await rpcCode(count.setCountingLine({ cameraId: "door", line }, bearer(open.sessionToken, open.sessionId)).response), "OK");
    await capture.openSession({ cameraId: "hall", cameraName: "" }, bearer(SHARED)).response;
    assert.equal(await rpcCode(count.setCountingLine({ cameraId: "hall", line }, bearer(open.sessionToken, open.sessionId)).response), "UNAUTHENTICATED");
    assert.equal(await rpcCode(count.renameCamera({ cameraId: "door", name: "x" }, bearer(open.sessionToken, open.sessionId)).response), "UNAUTHENTICATED");
  });

  test("guessing is throttled: after 10 attempts in a burst, SignIn answers RESOURCE_EXHAUSTED", async () => {
    const { access } = ts.bare.native;
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push(await rpcCode(access.signIn({ password: `guess-${i}` }).response));
    assert.ok(codes.includes("RESOURCE_EXHAUSTED"), codes.join(","));
    assert.equal(codes.at(-1), "RESOURCE_EXHAUSTED");
    assert.equal(await rpcCode(access.signIn({ password: PASSWORD }).response), "RESOURCE_EXHAUSTED", "even the right password waits");
  });
});

test("viewer tokens expire, survive a restart, and stop working when the password changes", async (t) => {
  const settings = { captureAuth: true, captureToken: undefined, viewerPassword: PASSWORD, viewerTokenTtlMs: 1_500 };
  const first = await startTestServer({ config: { access: settings } });
  const dataDir = first.config.dataDir;
  const { token } = await first.bare.native.access.signIn({ password: PASSWORD }).response;
  await first.server.stop();
  const again = await startTestServer({ config: { dataDir, access: settings } });
  assert.equal(await rpcCode(again.bare.native.count.listCameras({}, bearer(token)).response), "OK", "still signed in after a restart");
  await sleep(1_600);
  assert.deepEqual(await failure(again.bare.native.count.listCameras({}, bearer(token)).response), { code: "UNAUTHENTICATED", message: "your sign-in has expired: sign in again" });
  const fresh = (await again.bare.native.access.signIn({ password: PASSWORD }).response).token;
  await again.server.stop();
  const changed = await startTestServer({ config: { dataDir, access: { ...settings, viewerPassword: "another password" } } });
  t.after(async () => {
    await changed.stop();
    await again.stop().catch(() => undefined);
    await first.stop().catch(() => undefined);
  });
  assert.equal(await rpcCode(changed.bare.native.count.listCameras({}, bearer(fresh)).response), "UNAUTHENTICATED");
  assert.equal(await rpcCode(changed.bare.native.access.signIn({ password: "" }).response), "UNAUTHENTICATED");
});

test("an open WatchCounts stream ends with UNAUTHENTICATED once its viewer token expires", async (t) => {
  const ts = await startTestServer({ config: { access: { captureAuth: true, captureToken: undefined, viewerPassword: PASSWORD, viewerTokenTtlMs: 1_000 } } });
  t.after(() => ts.stop());
  const { token } = await ts.bare.native.access.signIn({ password: PASSWORD }).response;
  const started = Date.now();
  const watch = ts.bare.native.count.watchCounts({}, bearer(token));
  let snapshots = 0;
  watch.responses.onMessage(() => snapshots++);
  assert.equal(await rpcCode(watch.status), "UNAUTHENTICATED");
  assert.ok(snapshots >= 1, "it streamed while the token was valid");
  assert.ok(Date.now() - started < 5_000, `ended ${Date.now() - started} ms after opening (expiry 1 s, checked every 2.5 s)`);
});

test("SignIn on a server without a viewer password says that none is needed", async (t) => {
  const ts = await startTestServer();
  t.after(() => ts.stop());
  const answer = await failure(ts.bare.native.access.signIn({ password: "x" }).response);
  assert.equal(answer.code, "FAILED_PRECONDITION");
});

test("on the server's own machine the CLI finds the local capture token (a 0600 file in the data directory) and needs no --token", async (t) => {
  const ts = await startTestServer({ config: { access: { captureAuth: true, captureToken: undefined, viewerPassword: undefined, viewerTokenTtlMs: 60_000 } } });
  t.after(() => ts.stop());
  const file = join(ts.config.dataDir, "capture-token");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const token = readFileSync(file, "utf8").trim();
  assert.equal(await rpcCode(ts.bare.native.capture.openSession({ cameraId: "any-camera", cameraName: "" }, bearer(token)).response), "OK");
  const folder = mkdtempSync(join(tmpdir(), "headcount-local-token-"));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, "frame-001.jpg"), frame);
  const run = (env: NodeJS.ProcessEnv) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", "server/src/cli/send-main.ts", "--server", `127.0.0.1:${ts.grpcPort}`, "--camera", "local-cli", "--json", "--quiet", folder], {
      cwd: repoRoot,
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HEADCOUNT_"))), ...env },
    }).then((r) => JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { acked: number }, (e: { stderr?: string }) => e.stderr ?? String(e));
  assert.equal(((await run({ HEADCOUNT_DATA_DIR: ts.config.dataDir })) as { acked: number }).acked, 1);
  assert.match(String(await run({ HEADCOUNT_DATA_DIR: folder })), /UNAUTHENTICATED|not paired/, "without the file the CLI is refused");
});
