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

/** The batch of frame `frame` of a session: 1-3 events, times increasing with the frame. */
export function fixtureBatch(sessionSalt: number, frame: number): NewEvent[] {
  const size = 1 + ((frame * 7 + sessionSalt) % 3);
  return Array.from({ length: size }, (_, j) => ({
    kind: KINDS[(frame * 5 + j * 3 + sessionSalt) % 4]!,
    trackId: frame * 10 + j,
    timeMs: 1_700_000_000_000 + frame * 100 + j,
  }));
}

/** Session id of writer `writer` on camera `camera`, and the salt that varies its batches. */
export function fixtureSession(writer: number, camera: number): { sessionId: string; salt: number } {
  return { sessionId: `w${writer}-c${camera}`, salt: writer * 2 + camera };
}

/** Opens both cameras' sessions for `writer` and appends `frames` frames to each, alternating. */
export async function runWriter(store: Store, writer: number, frames: number, onAck: (frame: number) => void = () => {}): Promise<void> {
  for (const [c, cameraId] of FIXTURE_CAMERAS.entries()) {
    await store.upsertCamera(cameraId, "", 0);
    await store.openSession(fixtureSession(writer, c).sessionId, cameraId, 0);
  }
  for (let frame = 0; frame < frames; frame++) {
    for (const [c, cameraId] of FIXTURE_CAMERAS.entries()) {
      const { sessionId, salt } = fixtureSession(writer, c);
      await store.appendEvents(cameraId, sessionId, fixtureBatch(salt, frame), frame);
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
