import assert from "node:assert/strict";
import { test } from "node:test";
import { DomainError } from "../rpc/errors.ts";
import type { CaptureSession } from "./capture-session.ts";
import { SessionRegistry } from "./session-registry.ts";

/** A registry, and how a session's ack streams end. */
function registry() {
  const sessions = new SessionRegistry({
    maxSessions: 10,
    ackHistory: 16,
    idleMs: 60_000,
    rate: { maxFps: 30, maxBytesPerSecond: 1e6 },
    onClosed: () => {},
  });
  const ended = (session: CaptureSession) =>
    new Promise<DomainError>((resolve) => session.watch({ afterCursor: 0 }, { ack: () => {}, end: resolve }));
  return { sessions, ended };
}

test("takeOver ends the camera's other held sessions with ABORTED; later calls on them get the same status, not NOT_FOUND", async () => {
  const { sessions, ended } = registry();
  const old = sessions.open("door", 0);
  const other = sessions.open("hall", 0);
  old.heldAt = 1;
  other.heldAt = 1;
  const oldEnd = ended(old);
  const taker = sessions.open("door", 0);
  taker.heldAt = 2;
  assert.equal(sessions.takeOver("door", taker.id), 1);
  const reason = await oldEnd;
  assert.equal(reason.code, "ABORTED");
  assert.match(reason.message, /camera door is now capturing from another session/);
  assert.throws(() => sessions.get(old.id), (err: unknown) => err instanceof DomainError && err.code === "ABORTED");
  assert.equal(sessions.get(taker.id), taker, "the taker stays");
  assert.equal(sessions.get(other.id), other, "other cameras are untouched");
  sessions.close(other, new DomainError("NOT_FOUND", "expired"));
  assert.throws(() => sessions.get(other.id), (err: unknown) => err instanceof DomainError && err.code === "NOT_FOUND", "an expiry is still NOT_FOUND");
});

test("a holder read from the store before a session here was recorded does not end that newer session", () => {
  const { sessions } = registry();
  const opening = sessions.open("door", 0);
  const readAt = 100;
  // Not yet recorded in the store: never ended by what another replica's row said.
  assert.equal(sessions.takeOver("door", "elsewhere", readAt), 0);
  // Recorded after the read began: the read may predate it, so it stays.
  opening.heldAt = 150;
  assert.equal(sessions.takeOver("door", "elsewhere", readAt), 0);
  assert.ok(sessions.find(opening.id));
  // Recorded before the read began: the row really names another session, so it ends.
  assert.equal(sessions.takeOver("door", "elsewhere", 200), 1);
  assert.equal(sessions.find(opening.id), undefined);
});

test("opens of one camera run one after another, so the store records them in the order this replica holds them", async () => {
  const { sessions } = registry();
  const order: string[] = [];
  let release = () => {};
  const first = sessions.serialOpen("door", async () => {
    order.push("first starts");
    await new Promise<void>((r) => (release = r));
    order.push("first ends");
  });
  const second = sessions.serialOpen("door", async () => {
    order.push("second starts");
  });
  const otherCamera = sessions.serialOpen("hall", async () => {
    order.push("hall");
  });
  await otherCamera;
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ["first starts", "hall", "first ends", "second starts"]);
});
