import type { Person } from "@headcount/proto/types";
import type { Detection } from "../detect/detector.ts";
import type { CountResult, Counter, Places } from "../count/count-types.ts";
import type { LiveTracks } from "../motion/motion-gate.ts";
import type { Tracker } from "../track/track-types.ts";

/** Builds the per-session tracking stages (fresh state for every session). */
export interface TrackingFactory {
  createTracker(): Tracker;
  createCounter(places: Places): Counter;
}

/** What one frame's detections became: counted events and totals, and the people to ack. */
export interface TrackedFrame {
  readonly counted: CountResult;
  /** One per detection, in order, with its confirmed track id (0 while unconfirmed). */
  readonly people: Person[];
}

interface SessionState {
  readonly tracker: Tracker;
  readonly counter: Counter;
  places: Places;
  /** Time of the last frame given to the tracker (or skipped), ms. */
  lastTimeMs: number;
  /** Tracks alive after the last tracked frame, and how many of them were still tentative. */
  tracks: LiveTracks;
  /** The people of the last tracked frame, shown again on the frames skipped between detections. */
  people: Person[];
}

const NO_TRACKS: LiveTracks = { alive: 0, tentative: 0, missed: 0 };

/**
 * The track and count stages of every open session: one tracker and one
 * counter per session, created on its first frame, following its camera's
 * lines and zones. Synchronous; the caller frees a closed session's state.
 */
export class SessionTracking {
  readonly #sessions = new Map<string, SessionState>();

  constructor(private readonly factory: TrackingFactory) {}

  /**
   * Tracks and counts one frame's detections for `sessionId`. `frameTimeMs`
   * is the frame's capture time, not its arrival: a sender replaying a file
   * faster than real time must not look like people moving faster. It is
   * kept increasing, so a client's clock jump cannot send the tracker back
   * in time.
   */
  step(sessionId: string, places: Places, detections: readonly Detection[], frameTimeMs: number): TrackedFrame {
    const state = this.#stateOf(sessionId, places);
    const timeMs = Math.max(state.lastTimeMs + 1, frameTimeMs);
    state.lastTimeMs = timeMs;
    const update = state.tracker.update(detections, timeMs);
    state.tracks = {
      alive: update.tracks.length,
      tentative: update.tracks.filter((t) => !t.confirmed).length,
      missed: update.tracks.filter((t) => t.misses > 0).length,
    };
    const counted = state.counter.update(update);
    const people = detections.map((d, i) => ({
      x: d.x,
      y: d.y,
      width: d.width,
      height: d.height,
      score: d.score,
      trackId: confirmedId(update.tracks, update.assignments[i] ?? 0),
    }));
    state.people = people;
    return { counted, people };
  }

  /**
   * True while the session's tracker holds any track, confirmed or
   * tentative, including one missed for a while that may still be re-found:
   * the motion gate must not skip detection then.
   */
  hasLiveTracks(sessionId: string): boolean {
    return this.liveTracks(sessionId).alive > 0;
  }

  /** The session's tracks after its last tracked frame (none before its first). */
  liveTracks(sessionId: string): LiveTracks {
    return this.#sessions.get(sessionId)?.tracks ?? NO_TRACKS;
  }

  /**
   * A frame the motion gate skipped: nothing moved and no track was alive.
   * The tracker is not told: an empty frame would make it age its tracks as
   * if people had vanished, while in truth nobody was looked for. Its next
   * frame comes with the real time gap, which is what its time-based limits
   * (stitching, revival) measure. Only the session's last frame time moves,
   * so exits at its close are stamped no earlier than its last frame.
   * Returns the people of the last tracked frame (none when nobody is
   * tracked): between the detections that follow a lone person, the boxes
   * on the page stay instead of blinking.
   */
  skip(sessionId: string, frameTimeMs: number): readonly Person[] {
    const state = this.#sessions.get(sessionId);
    if (!state) return [];
    state.lastTimeMs = Math.max(state.lastTimeMs + 1, frameTimeMs);
    return state.tracks.alive > 0 ? state.people : [];
  }

  /**
   * Ends a session's counting and frees its tracker and counter: the people
   * it counted as entered and still has in view exit at the time of its last
   * tracked frame (see Counter.close). Null when the session never tracked a
   * frame or was closed already, so the exits are produced once.
   */
  close(sessionId: string): CountResult | null {
    const state = this.#sessions.get(sessionId);
    if (!state) return null;
    this.#sessions.delete(sessionId);
    return state.counter.close(state.lastTimeMs);
  }

  #stateOf(sessionId: string, places: Places): SessionState {
    let state = this.#sessions.get(sessionId);
    if (!state) {
      state = { tracker: this.factory.createTracker(), counter: this.factory.createCounter(places), places, lastTimeMs: 0, tracks: NO_TRACKS, people: [] };
      this.#sessions.set(sessionId, state);
    } else if (state.places !== places) {
      state.counter.setPlaces(places);
      state.places = places;
    }
    return state;
  }
}

/** The id shown for a detection: its track's id once the track is confirmed, else 0. */
function confirmedId(tracks: readonly { id: number; confirmed: boolean }[], id: number): number {
  return id !== 0 && tracks.some((t) => t.id === id && t.confirmed) ? id : 0;
}
