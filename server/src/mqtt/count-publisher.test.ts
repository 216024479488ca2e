import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../store/sqlite-store.ts";
import type { NewEvent } from "../store/store.ts";
import { storeTellingPublisher, type CountPublisher } from "./count-publisher.ts";

test("the store told to a publisher keeps appends keyed by their frame seq: a retried batch is stored once", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "headcount-publisher-store-"));
  const store = openSqliteStore({ dataDir: dir });
  t.after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // A fake publisher that publishes nothing.
  const fakePublisher: CountPublisher = { cameraChanged: () => {}, eventsStored: () => {}, close: async () => {} };
  const publishing = storeTellingPublisher(store, fakePublisher);
  await publishing.upsertCamera("door", "", 0);
  await publishing.openSession("s", "door", 0);
  const entry: NewEvent = { kind: "entry", trackId: 1, timeMs: 10 };
  const first = await publishing.appendEvents("door", "s", [entry], 7);
  const again = await publishing.appendEvents("door", "s", [entry], 7);
  assert.deepEqual(again, first, "the retry answers with the first append's totals and ids");
  assert.equal((await store.getCamera("door"))?.totals.entered, 1);
});
