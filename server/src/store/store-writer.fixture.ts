import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { backendNamed } from "./store-backends.fixture.ts";
import type { NewEvent, Store } from "./store.ts";

/**
 * A scripted capture server for the store's concurrency tests: it appends
 * frame batches whose content follows from (session, frame) alone, so a test
 * can check what was stored without talking to the writer. Run as a process:
 *   node --import tsx store-writer.fixture.ts <sqlite|postgres> <dataDir or database URL> <writer> <frames>
 * It writes one line "acked <frame>" after each batch is stored, the way the
 * server must send an ack only after its events are stored.
 */

/** The two cameras every writer feeds. */
export const FIXTURE_CAMERAS = ["cam-0", "cam-1"] as const;

const KINDS: readonly NewEvent["kind"][] = ["entry", "exit", "cross_in", "cross_out"];

/** How many writers the fixture tells apart (track ids carry the writer). */
const WRITERS = 8;

/**
 * The batch of frame `frame` of writer `writer` on a camera (`salt` varies
 * it): 1-3 events, times increasing with the frame, track ids ending in the writer.
 */
export function fixtureBatch(salt: number, frame: number, writer = 0): NewEvent[] {
  const size = 1 + ((frame * 7 + salt) % 3);
  return Array.from({ length: size }, (_, j) => ({
    kind: KINDS[(frame * 5 + j * 3 + salt) % 4]!,
    trackId: (frame * 10 + j) * WRITERS + writer,
    timeMs: 1_700_000_000_000 + frame * 100 + j,
  }));
}

/**
 * The session of camera `camera`, shared by every writer (one live session
 * per camera: a second one would take the camera over), and the salt that
 * varies writer `writer`'s batches on it. Writers key their batches apart:
 * seq = frame * 8 + writer.
 */
export function fixtureSession(writer: number, camera: number): { sessionId: string; salt: number } {
  return { sessionId: `c${camera}`, salt: writer * 2 + camera };
}

/** The writer whose batch holds this track id. */
export function writerOf(trackId: number): number {
  return trackId % WRITERS;
}

/** Opens (or joins) both cameras' sessions and appends `frames` frames of `writer` to each, alternating. */
export async function runWriter(store: Store, writer: number, frames: number, onAck: (frame: number) => void = () => {}): Promise<void> {
  for (const [c, cameraId] of FIXTURE_CAMERAS.entries()) {
    await store.upsertCamera(cameraId, "", 0);
    try {
      await store.openSession(fixtureSession(writer, c).sessionId, cameraId, 0);
    } catch (err) {
      // Another writer opened it first (committed, or the unique key would not have clashed).
      if ((err as { code?: unknown }).code !== "ALREADY_EXISTS") throw err;
    }
  }
  for (let frame = 0; frame < frames; frame++) {
    for (const [c, cameraId] of FIXTURE_CAMERAS.entries()) {
      const { sessionId, salt } = fixtureSession(writer, c);
      await store.appendEvents(cameraId, sessionId, fixtureBatch(salt, frame, writer), frame * WRITERS + writer);
    }
    onAck(frame);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [backend, location, writer, frames] = process.argv.slice(2);
  const store = await backendNamed(backend!).open(location!, { busyTimeoutMs: 30_000 });
  await runWriter(store, Number(writer), Number(frames), (frame) => process.stdout.write(`acked ${frame}\n`));
  await store.close();
}
