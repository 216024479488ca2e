import type { FrameAck } from "@headcount/proto/types";
import type { PlaceFigures } from "../camera/place-figures.ts";
import { toProtoPlaces } from "../rpc/proto-mapping.ts";
import type { CaptureSession } from "../session/capture-session.ts";

/**
 * The part of a frame's ack about the camera's lines and zones: each one's
 * figures as of `nowMs`, and, on the session's first ack after they changed
 * (SetPlaces, SetCountingLine), the new lines and zones (`places_changed`),
 * so the capture page draws them without asking.
 */
export function placeAckFields(
  session: CaptureSession,
  figures: PlaceFigures,
  nowMs: number,
): Pick<FrameAck, "lineCounts" | "zoneCounts" | "placesChanged" | "lines" | "zones"> {
  const placesChanged = session.placesTold !== null && session.placesTold !== figures.places;
  if (placesChanged) session.placesTold = figures.places;
  return {
    ...figures.counts(nowMs),
    placesChanged,
    ...(placesChanged ? toProtoPlaces(figures.places) : { lines: [], zones: [] }),
  };
}
