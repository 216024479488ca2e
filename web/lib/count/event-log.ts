/**
 * The event log's pure parts: names of event kinds, and keeping a paged,
 * newest-first list current when new events arrive.
 */

import { EventKind, EventReason } from "@headcount/proto/count";
import type { CountEvent } from "@headcount/proto/count";

/** Events per ListEvents page. */
export const EVENT_PAGE_SIZE = 50;

/** A kind as written in exports and in `data-kind` of `event-row`. */
export type EventKindName = "entry" | "exit" | "cross_in" | "cross_out" | "reset" | "zone_enter" | "zone_leave" | "unknown";

/** The loaded part of the log: newest first, and the cursor of the next older page ("" after the last). */
export interface LoadedEvents {
  readonly events: readonly CountEvent[];
  readonly nextCursor: string;
}

const NAMES: Record<EventKind, EventKindName> = {
  [EventKind.UNSPECIFIED]: "unknown",
  [EventKind.ENTRY]: "entry",
  [EventKind.EXIT]: "exit",
  [EventKind.CROSS_IN]: "cross_in",
  [EventKind.CROSS_OUT]: "cross_out",
  [EventKind.RESET]: "reset",
  [EventKind.ZONE_ENTER]: "zone_enter",
  [EventKind.ZONE_LEAVE]: "zone_leave",
};

const LABELS: Record<EventKindName, string> = {
  entry: "entry",
  exit: "exit",
  cross_in: "crossed in",
  cross_out: "crossed out",
  reset: "reset",
  zone_enter: "entered zone",
  zone_leave: "left zone",
  unknown: "unknown",
};

/** The machine name of a kind, as the server's exports write it. */
export function eventKindName(kind: EventKind): EventKindName {
  return NAMES[kind] ?? "unknown";
}

/** The words the log shows for a kind. */
export function eventKindLabel(kind: EventKind): string {
  return LABELS[eventKindName(kind)];
}

/** A reason as written in exports and in `data-reason` of `event-row` ("" for none). */
export type EventReasonName = "" | "capture_stopped" | "session_lost";

const REASONS: Record<EventReason, { readonly name: EventReasonName; readonly label: string }> = {
  [EventReason.UNSPECIFIED]: { name: "", label: "" },
  [EventReason.CAPTURE_STOPPED]: { name: "capture_stopped", label: "capture stopped" },
  [EventReason.SESSION_LOST]: { name: "session_lost", label: "capture lost (server restarted)" },
};

/** Why an event was counted, in machine form ("" when the frames showed it). */
export function eventReasonName(reason: EventReason): EventReasonName {
  return REASONS[reason]?.name ?? "";
}

/** Why an event was counted, in the log's words ("" when the frames showed it). */
export function eventReasonLabel(reason: EventReason): string {
  return REASONS[reason]?.label ?? "";
}

/** The log's order: newer time first, then higher id (the server's order). Negative when `a` comes first. */
export function compareNewestFirst(a: CountEvent, b: CountEvent): number {
  return b.timeMs - a.timeMs || b.id - a.id;
}

/**
 * Merges a freshly fetched first page into what is loaded. When the fresh
 * page reaches back into the loaded events, the older pages stay loaded (and
 * their cursor stays valid); otherwise there may be a gap, so only the fresh page is kept.
 */
export function mergeNewest(loaded: LoadedEvents, fresh: LoadedEvents): LoadedEvents {
  const oldestFresh = fresh.events.at(-1);
  if (!oldestFresh || fresh.nextCursor === "" || loaded.events.length === 0) return fresh;
  const newestLoaded = loaded.events[0]!;
  if (compareNewestFirst(newestLoaded, oldestFresh) > 0) return fresh;
  const older = loaded.events.filter((event) => compareNewestFirst(oldestFresh, event) < 0);
  return { events: [...fresh.events, ...older], nextCursor: loaded.nextCursor };
}

/** Appends an older page, dropping any event already shown (a page boundary can repeat nothing, but be safe). */
export function appendOlder(loaded: LoadedEvents, older: LoadedEvents): LoadedEvents {
  const seen = new Set(loaded.events.map((event) => event.id));
  return { events: [...loaded.events, ...older.events.filter((event) => !seen.has(event.id))], nextCursor: older.nextCursor };
}
