import { test } from "node:test";
import assert from "node:assert/strict";
import type { Detection } from "../detect/detector.ts";
import { createIouTracker } from "./iou-tracker.ts";
import { createPeopleCounter } from "../count/people-counter.ts";
import type { Tracker } from "./track-types.ts";

/**
 * vtest F740-F754 at 10 fps, the detector's boxes around K and B only
 * (test/fixtures/detections/vtest-10fps.json): B walks right across the middle
 * of the road (feet at y 0.49 to 0.51), K walks left at its top (feet at 0.44).
 * K is missed at F748; at F749 and F750 both boxes are around the pair, 0.19
 * high, with B's feet; from F751 each is boxed alone again.
 */
const frames: ReadonlyArray<ReadonlyArray<readonly [number, number, number, number]>> = [
  [[0.4419, 0.3641, 0.0412, 0.1247], [0.5618, 0.3267, 0.0412, 0.1372]], // F740
  [[0.4419, 0.3616, 0.0431, 0.1297], [0.5637, 0.3267, 0.0356, 0.1421]],
  [[0.4438, 0.3591, 0.0431, 0.1347], [0.5637, 0.3292, 0.0356, 0.1347]],
  [[0.4551, 0.3641, 0.0449, 0.1347], [0.5449, 0.3367, 0.0393, 0.1147]],
  [[0.4569, 0.3641, 0.0449, 0.1372], [0.5449, 0.3441, 0.0431, 0.1097]],
  [[0.4644, 0.3666, 0.0412, 0.1247], [0.5431, 0.3416, 0.0431, 0.1047]], // F745
  [[0.4757, 0.3616, 0.0449, 0.1397], [0.5375, 0.3342, 0.0375, 0.1172]],
  [[0.4794, 0.3541, 0.0543, 0.1546], [0.5393, 0.3367, 0.0337, 0.1047]],
  [[0.4813, 0.3541, 0.0562, 0.1571]],
  [[0.4888, 0.3117, 0.0506, 0.197], [0.5131, 0.3217, 0.0468, 0.1845]], // F749: two boxes around the pair
  [[0.4906, 0.3167, 0.0487, 0.1895], [0.5187, 0.3242, 0.0431, 0.1895]],
  [[0.5169, 0.3516, 0.0449, 0.1596], [0.4775, 0.3367, 0.0412, 0.1197]], // F751: B, K
  [[0.5169, 0.3441, 0.0524, 0.1721], [0.4682, 0.3367, 0.0412, 0.1172]],
  [[0.5318, 0.3466, 0.0431, 0.1646], [0.4625, 0.3242, 0.0356, 0.1297]],
  [[0.5375, 0.3741, 0.0412, 0.1322], [0.4588, 0.3242, 0.0356, 0.1247]], // F754
];

function play(tracker: Tracker) {
  // The vertical line at mid-frame, drawn top to bottom: in = left to right.
  const counter = createPeopleCounter({ line: { ax: 0.5, ay: 0, bx: 0.5, by: 1, inSideLeft: true } });
  let totals = { crossedIn: 0, crossedOut: 0 };
  let last: readonly number[] = [];
  frames.forEach((boxes, i) => {
    const detections: Detection[] = boxes.map(([x, y, width, height]) => ({ x, y, width, height, score: 0.7 }));
    const update = tracker.update(detections, i * 100);
    totals = counter.update(update).totals;
    last = update.assignments;
  });
  return { totals, last };
}

test("two people boxed together while crossing paths keep their own tracks when boxed apart again (vtest F749-F751)", () => {
  const { totals, last } = play(createIouTracker());
  // B's track (id 1, first on the left) ends on B's box at the right, K's (id 2) on K's at the left.
  assert.deepEqual(last, [1, 2]);
  assert.deepEqual([totals.crossedIn, totals.crossedOut], [1, 1], "B's crossing left to right and K's right to left");
});

test("without the check, IoU hands each track the other person and neither crossing counts", () => {
  const { totals, last } = play(createIouTracker({ pairSwapRatio: 0 }));
  assert.deepEqual(last, [2, 1]);
  assert.deepEqual([totals.crossedIn, totals.crossedOut], [0, 0]);
});
