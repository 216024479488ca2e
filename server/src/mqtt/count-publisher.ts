import type { CameraView } from "../camera/camera-registry.ts";
import type { AppendResult, NewEvent, Store } from "../store/store.ts";

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
 * The store, with every successful append of events also told to `publisher`
 * (counted events from the pipeline and resets from the count page alike).
 * Everything else goes to the store untouched.
 */
export function storeTellingPublisher(store: Store, publisher: CountPublisher): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === "appendEvents") {
        return async (cameraId: string, sessionId: string | null, events: readonly NewEvent[], seq?: number): Promise<AppendResult> => {
          const result = await target.appendEvents(cameraId, sessionId, events, seq);
          if (events.length > 0) publisher.eventsStored(cameraId, sessionId, events, result);
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
