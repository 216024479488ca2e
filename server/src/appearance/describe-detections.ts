/**
 * Adds each detection's colour signature, cut from the frame it was found in.
 * Runs in the frame worker right after the detector, on the decoded pixels it
 * already holds (the tracker never sees pixels).
 */
import type { Detection, RgbaImage } from "../detect/detector.ts";
import { colourSignature } from "./colour-signature.ts";

/** `detections` with `appearance` set where the box is large enough to have one. */
export function describeDetections(image: RgbaImage, detections: readonly Detection[]): Detection[] {
  return detections.map((d) => {
    const appearance = colourSignature(image, d);
    return appearance === undefined ? d : { ...d, appearance };
  });
}
