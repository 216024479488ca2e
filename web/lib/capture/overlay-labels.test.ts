import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { placeLabels } from "./overlay-labels.ts";
import type { LabelSpot } from "./overlay-labels.ts";

const LABEL_HEIGHT = 16;

function overlaps(a: LabelSpot, aw: number, b: LabelSpot, bw: number): boolean {
  return a.x < b.x + bw && b.x < a.x + aw && a.y < b.y + LABEL_HEIGHT && b.y < a.y + LABEL_HEIGHT;
}

describe("placeLabels", () => {
  it("puts a label above its box when there is room", () => {
    assert.deepEqual(placeLabels([{ x: 100, y: 100, width: 50, height: 120, labelWidth: 60 }], 640, 480, LABEL_HEIGHT), [{ x: 100, y: 84 }]);
  });

  it("keeps labels inside the picture at every edge", () => {
    const boxes = [
      { x: 600, y: 0, width: 40, height: 100, labelWidth: 70 }, // right edge, top
      { x: -10, y: 470, width: 60, height: 40, labelWidth: 70 }, // left edge, bottom, partly outside
    ];
    const spots = placeLabels(boxes, 640, 480, LABEL_HEIGHT);
    for (const [index, spot] of spots.entries()) {
      assert.ok(spot.x >= 0 && spot.x + boxes[index]!.labelWidth <= 640, `label ${index} within the width: ${JSON.stringify(spot)}`);
      assert.ok(spot.y >= 0 && spot.y + LABEL_HEIGHT <= 480, `label ${index} within the height: ${JSON.stringify(spot)}`);
    }
  });

  it("does not stack the labels of people standing close together", () => {
    // Three people side by side with nearly the same top edge: their labels would overlap in one row.
    const boxes = [
      { x: 100, y: 100, width: 40, height: 150, labelWidth: 70 },
      { x: 120, y: 104, width: 40, height: 150, labelWidth: 70 },
      { x: 140, y: 98, width: 40, height: 150, labelWidth: 70 },
    ];
    const spots = placeLabels(boxes, 640, 480, LABEL_HEIGHT);
    for (let i = 0; i < spots.length; i++) {
      for (let j = i + 1; j < spots.length; j++) {
        assert.ok(!overlaps(spots[i]!, 70, spots[j]!, 70), `labels ${i} and ${j} overlap: ${JSON.stringify(spots)}`);
      }
    }
  });
});
