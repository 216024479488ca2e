/**
 * What the occupancy display says for an area's counts. Pure.
 */

import { CapacityState, type Area } from "@headcount/proto/area";

/** The display's colour. */
export type DisplayTone = "green" | "amber" | "red" | "grey";

/** The display's content. */
export interface OccupancyText {
  /** The huge line: "12 of 40 inside", or "12 inside" without a capacity; "–" when not live. */
  readonly headline: string;
  /** The short line below it. */
  readonly message: string;
  readonly tone: DisplayTone;
}

/**
 * The display for an area, live or not: a number is only shown while the
 * feed is live, so a screen at the door never shows an old count as current.
 */
export function occupancyText(area: Area | null, live: boolean): OccupancyText {
  if (!area || !live) return { headline: "–", message: area ? "Reconnecting…" : "Connecting…", tone: "grey" };
  const inside = area.counts?.inside ?? 0;
  const capacity = area.settings?.capacity;
  const headline = capacity === undefined ? `${inside} inside` : `${inside} of ${capacity} inside`;
  switch (area.counts?.state) {
    case CapacityState.FULL:
      return { headline, message: "Please wait", tone: "red" };
    case CapacityState.NEAR:
      return { headline, message: "Almost full", tone: "amber" };
    default:
      return { headline, message: capacity === undefined ? "" : "Welcome, come in", tone: "green" };
  }
}
