import type { CameraView } from "../camera/camera-registry.ts";
import type { AppendResult, LostSession, NewEvent, Store } from "../store/store.ts";

/**
 * Where counts go besides the count page (MQTT today). Fed from where counts
 * change: the camera registry's change notifications (state) and the store's
 * appends (events); it never computes counts itself, and none of its methods
 * may block or throw into the frame path.
 */
export interface CountPublisher {
  /** A camera's state may have changed; the publisher reads it when it publishes (coalesced). */
  cameraChanged(cameraId: string): void;
  /** Events the store has just appended for a camera, with what the append returned. */
  eventsStored(cameraId: string, sessionId: string | null, events: readonly NewEvent[], result: AppendResult): void;
  /** Says goodbye (retained offline) and disconnects; bounded in time. */
  close(): Promise<void>;
}

/** Where a publisher reads the cameras' current state (the camera registry). */
export interface CameraStateSource {
  list(nowMs: number): CameraView[];
}

/** The default: counts stay in headcount. */
export const noCountPublisher: CountPublisher = {
  cameraChanged: () => {},
  eventsStored: () => {},
  close: async () => {},
};

/**
 * The store, with every successful append of events also told to `publisher`:
 * counted events from the pipeline, resets from the count page, and the exits a
 * session's end appends (for which it remembers each open session's camera).
 * Everything else goes to the store untouched.
 */
export function storeTellingPublisher(store: Store, publisher: CountPublisher): Store {
  const cameraOfSession = new Map<string, string>();
  return new Proxy(store, {
    get(target, property) {
      if (property === "appendEvents") {
        return async (cameraId: string, sessionId: string | null, events: readonly NewEvent[], seq?: number): Promise<AppendResult> => {
          const result = await target.appendEvents(cameraId, sessionId, events, seq);
          // A replayed batch (a retry after a lost connection or a failover) was published when first stored.
          if (events.length > 0 && !result.replayed) publisher.eventsStored(cameraId, sessionId, events, result);
          return result;
        };
      }
      if (property === "openSession") {
        return async (sessionId: string, cameraId: string, openedAtMs: number, replicaId?: string): Promise<void> => {
          await target.openSession(sessionId, cameraId, openedAtMs, replicaId);
          cameraOfSession.set(sessionId, cameraId);
        };
      }
      if (property === "closeSession") {
        return async (sessionId: string, closedAtMs: number, framesAcked: number, exits?: readonly NewEvent[]): Promise<AppendResult | null> => {
          const result = await target.closeSession(sessionId, closedAtMs, framesAcked, exits);
          const cameraId = cameraOfSession.get(sessionId);
          cameraOfSession.delete(sessionId);
          if (result && cameraId !== undefined && exits && exits.length > 0) publisher.eventsStored(cameraId, sessionId, exits, result);
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Tells the publisher the exits the start of the server appended for the
 * sessions a killed run left open ("session_lost"; Store.closeLostSessions
 * runs before the publisher exists), read back from the store with their ids.
 */
export async function publishLostSessions(store: Store, publisher: CountPublisher, lost: readonly LostSession[]): Promise<void> {
  for (const s of lost) {
    if (s.exits === 0) continue;
    const page = await store.events({ cameraId: s.cameraId, fromMs: s.closedAtMs, toMs: s.closedAtMs + 1, limit: 10_000 });
    const exits = page.events.filter((e) => e.sessionId === s.sessionId && e.reason === "session_lost").reverse();
    const camera = await store.getCamera(s.cameraId);
    if (!camera || exits.length === 0) continue;
    const places = {
      lines: camera.lines.map((l) => ({ lineId: l.id, crossedIn: l.crossedIn, crossedOut: l.crossedOut })),
      zones: camera.zones.map((z) => ({ zoneId: z.id, entered: z.entered, left: z.left })),
    };
    const events = exits.map((e): NewEvent => ({
      kind: e.kind, trackId: e.trackId, timeMs: e.timeMs, reason: e.reason,
      ...(e.zoneId === null ? {} : { zoneId: e.zoneId }), ...(e.dwellMs === null ? {} : { dwellMs: e.dwellMs }),
    }));
    publisher.eventsStored(s.cameraId, s.sessionId, events, { totals: camera.totals, resetAtMs: camera.resetAtMs, places, eventIds: exits.map((e) => e.id) });
  }
}
