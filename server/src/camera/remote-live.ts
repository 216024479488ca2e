/**
 * The live figures of a camera as one replica sees them, and how the figures
 * other replicas report are merged into the local view (server/src/replicas/
 * carries them). Pure; time is an argument.
 */

/** What only exists while a camera's session runs, as its replica reports it. */
export interface LiveFigures {
  readonly online: boolean;
  readonly inView: number;
  readonly ackedFps: number;
  readonly latencyMs: number;
  readonly lastSeenAtMs: number;
}

/** A report from another replica and when it arrived here. */
export interface RemoteReport {
  readonly live: LiveFigures;
  readonly receivedAtMs: number;
}

/**
 * A report older than this no longer counts: its replica sends one at least
 * every second while it has a session of the camera, so silence means the
 * session or the replica is gone.
 */
export const REMOTE_STALE_MS = 3_000;

/**
 * The camera's figures: the local ones while this replica has a session of
 * it (one session per camera is counted at a time), otherwise those of the
 * fresh reports from other replicas (people summed, the slowest latency).
 */
export function mergeLive(local: LiveFigures, hasLocalSession: boolean, remote: ReadonlyMap<string, RemoteReport>, nowMs: number): LiveFigures {
  if (hasLocalSession) return local;
  let merged = local;
  for (const { live, receivedAtMs } of remote.values()) {
    merged = { ...merged, lastSeenAtMs: Math.max(merged.lastSeenAtMs, live.lastSeenAtMs) };
    if (nowMs - receivedAtMs >= REMOTE_STALE_MS || !live.online) continue;
    merged = {
      online: true,
      inView: (merged.online ? merged.inView : 0) + live.inView,
      ackedFps: (merged.online ? merged.ackedFps : 0) + live.ackedFps,
      latencyMs: Math.max(merged.online ? merged.latencyMs : 0, live.latencyMs),
      lastSeenAtMs: merged.lastSeenAtMs,
    };
  }
  return merged;
}
