import assert from "node:assert/strict";
import { contractTest, freshStore } from "./store-backends.fixture.ts";
import type { BucketSize, NewEvent, SeriesPoint, StoredEventKind } from "./store.ts";
import { seededRandom } from "../../../test/support/seeded-random.ts";


const DAY = 86_400_000;
const START = Date.UTC(2025, 2, 30, 21, 17, 0); // not aligned to any bucket on purpose
const COLUMN: Partial<Record<StoredEventKind, "entered" | "exited" | "crossedIn" | "crossedOut">> = {
  entry: "entered", exit: "exited", cross_in: "crossedIn", cross_out: "crossedOut",
};

/**
 * The series computed the slow way from the events, with Date arithmetic for
 * the bucket starts (the store sums minute rows in SQL).
 */
function recount(events: readonly NewEvent[], fromMs: number, toMs: number, bucket: BucketSize, offsetMin: number): SeriesPoint[] {
  const offset = offsetMin * 60_000;
  const buckets = new Map<number, SeriesPoint>();
  for (const e of events) {
    const column = COLUMN[e.kind];
    const minuteStart = Math.floor(e.timeMs / 60_000) * 60_000;
    if (!column || minuteStart < fromMs || minuteStart >= toMs) continue;
    const local = new Date(minuteStart + offset);
    if (bucket !== "minute") local.setUTCMinutes(0, 0, 0);
    if (bucket === "day") local.setUTCHours(0);
    const startMs = local.getTime() - offset;
    const p = buckets.get(startMs) ?? { startMs, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
    buckets.set(startMs, { ...p, [column]: p[column] + 1 });
  }
  return [...buckets.values()].sort((a, b) => a.startMs - b.startMs);
}

contractTest("minute, hour and day series equal a recount of the events, per camera and for all, in any time zone", async (t, backend) => {
  const { store } = await freshStore(t, backend);
  const rand = seededRandom(42);
  const cameras = ["north", "south", "lobby"];
  const sent = new Map<string, NewEvent[]>(cameras.map((c) => [c, []]));
  for (const cameraId of cameras) {
    await store.upsertCamera(cameraId, "", START);
    await store.openSession(`${cameraId}-s`, cameraId, START);
  }
  // Three days of frames with 1-3 events each, gaps of up to 20 minutes, and a reset now and then.
  const clocks = new Map(cameras.map((c) => [c, START]));
  for (let i = 0; i < 3_000; i++) {
    const cameraId = cameras[Math.floor(rand() * cameras.length)]!;
    const timeMs = clocks.get(cameraId)! + Math.floor(rand() * 2_600_000);
    clocks.set(cameraId, timeMs);
    const kinds: StoredEventKind[] = ["entry", "exit", "cross_in", "cross_out"];
    const batch: NewEvent[] = Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, j) => ({
      kind: rand() < 0.01 ? "reset" : kinds[Math.floor(rand() * 4)]!,
      trackId: i * 3 + j,
      timeMs,
    }));
    await store.appendEvents(cameraId, `${cameraId}-s`, batch);
    sent.get(cameraId)!.push(...batch);
  }
  const everything = [...sent.values()].flat();
  const end = Math.max(...clocks.values());
  assert.ok(end - START > 3 * DAY, "the events span more than three days");

  const ranges: Array<[number, number]> = [
    [0, end + DAY],
    [START + DAY + 12_345, START + 2 * DAY - 1], // unaligned edges
    [START + 5 * 3_600_000, START + 5 * 3_600_000], // empty range
  ];
  let compared = 0;
  for (const bucket of ["minute", "hour", "day"] as const) {
    for (const offsetMin of [0, 60, -300, 330]) {
      for (const [fromMs, toMs] of ranges) {
        const query = { fromMs, toMs, bucket, utcOffsetMinutes: offsetMin };
        const all = await store.series(query);
        assert.deepEqual(all, recount(everything, fromMs, toMs, bucket, offsetMin), `all cameras ${bucket} ${offsetMin} [${fromMs}, ${toMs})`);
        for (const cameraId of cameras) {
          const one = await store.series({ ...query, cameraId });
          assert.deepEqual(one, recount(sent.get(cameraId)!, fromMs, toMs, bucket, offsetMin), `${cameraId} ${bucket} ${offsetMin}`);
        }
        compared += all.length;
      }
    }
  }
  assert.ok(compared > 5_000, "the comparison covered many non-empty buckets");
});
