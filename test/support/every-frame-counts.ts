import type { Counter, CountResult, CountTotals } from "../../server/src/count/count-types.ts";
import type { TrackingFactory } from "../../server/src/pipeline/session-tracking.ts";
import { createIouTracker } from "../../server/src/track/iou-tracker.ts";

/**
 * A scripted stand-in for the counter (a fake, named so): every processed
 * frame counts one "entry", whatever the detector saw. With the noop
 * detector it drives the real pipeline, store, registry and publishers with
 * a known number of counted events and no model.
 */
export function everyFrameCountsAnEntry(options: { readonly stillInViewAtClose?: boolean } = {}): TrackingFactory {
  return {
    createTracker: () => createIouTracker(),
    createCounter(): Counter {
      const totals: CountTotals = { inView: 0, entered: 0, exited: 0, crossedIn: 0, crossedOut: 0 };
      let trackId = 0;
      return {
        update(update): CountResult {
          totals.entered++;
          return { totals: { ...totals }, events: [{ kind: "entry", trackId: ++trackId, timeMs: update.timeMs }], zones: [] };
        },
        setPlaces: () => {},
        // Its "entries" are frames, not people: nobody is left in view to close, unless a test
        // wants every one of them still in view when its session ends (as the real counter closes them).
        close(timeMs) {
          if (!options.stillInViewAtClose) return { totals: { ...totals }, events: [], zones: [] };
          const events = Array.from({ length: trackId - totals.exited }, (_, i) => ({ kind: "exit" as const, trackId: totals.exited + i + 1, timeMs, reason: "capture_stopped" as const }));
          totals.exited = trackId;
          return { totals: { ...totals }, events, zones: [] };
        },
      };
    },
  };
}
