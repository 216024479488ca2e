import { setTimeout as sleep } from "node:timers/promises";
import { FrameStatus, type Counts, type FrameAck } from "@headcount/proto/types";
import type { CaptureServiceClient } from "@headcount/proto/capture-client";

/**
 * Streams frames to a test server over native StreamFrames, one at a time
 * (each waits for its ack, so every frame is processed) and no faster than
 * the session's frame-rate limit, 100 ms apart in capture time. Resolves
 * with the counts of the last ack; `onAck` sees every ack.
 */
export async function streamOneByOne(
  ts: { readonly native: { readonly capture: CaptureServiceClient } }, cameraId: string, frames: readonly Uint8Array[], firstSeq = 1, onAck?: (ack: FrameAck) => void,
): Promise<Counts> {
  const call = ts.native.capture.streamFrames();
  let last: Counts | undefined;
  let acked = 0;
  let wake = () => {};
  let failure: string | undefined;
  let maxFps = 0;
  call.responses.onMessage((m) => {
    if (m.message.oneofKind === "session") maxFps = m.message.session.limits?.maxFps ?? 0;
    if (m.message.oneofKind !== "ack") return;
    acked++;
    onAck?.(m.message.ack);
    if (m.message.ack.status !== FrameStatus.PROCESSED) failure ??= `seq ${m.message.ack.seq}: ${m.message.ack.detail}`;
    last = m.message.ack.counts;
    wake();
  });
  await call.requests.send({ message: { oneofKind: "open", open: { cameraId, cameraName: "" } } });
  const start = Date.now();
  let lastSentAt = 0;
  for (const [i, jpeg] of frames.entries()) {
    // Under the session's frame-rate limit, as the CLI keeps: frames the motion gate skips are acked in a millisecond.
    const wait = lastSentAt + (maxFps ? 1000 / maxFps : 0) - performance.now();
    if (wait > 0) await sleep(wait);
    lastSentAt = performance.now();
    await call.requests.send({ message: { oneofKind: "frame", frame: { seq: firstSeq + i, capturedAtMs: start + i * 100, jpeg, width: 0, height: 0 } } });
    while (acked < i + 1) await new Promise<void>((r) => (wake = r));
  }
  await call.requests.complete();
  await call.status;
  if (failure) throw new Error(`a frame was not processed: ${failure}`);
  return last!;
}
