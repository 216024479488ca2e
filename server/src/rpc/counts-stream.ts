import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import type { WatchCountsRequest, WatchCountsResponse } from "@headcount/proto/count";
import type { AccessControl } from "../access/access-control.ts";
import type { AreaMonitor } from "../areas/area-monitor.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import { BoundedStreamWriter, cancelSignalOf } from "./ack-stream.ts";
import { toProtoArea } from "./area-mapping.ts";
import type { DomainError } from "./errors.ts";
import { toProtoCamera } from "./proto-mapping.ts";

/** Timing of the count stream. */
export interface CountStreamTiming {
  /** At most one message per this many ms while counts change. */
  readonly minIntervalMs: number;
  /** A full snapshot at least this often, so proxies see traffic and "online" ages out. */
  readonly heartbeatMs: number;
}

/** What the count stream reads. */
export interface CountStreamDeps {
  readonly cameras: CameraRegistry;
  readonly areas: AreaMonitor | null;
  readonly access: AccessControl;
  readonly timing: CountStreamTiming;
}

/**
 * Runs one WatchCounts stream: a full snapshot first, then a message at most
 * every `minIntervalMs` while cameras or areas change. With `changes_only`
 * such a message holds only the cameras that changed since the last one (a
 * page of 100 cameras where one counts gets one camera, not 100), and a full
 * snapshot goes out every `heartbeatMs` (online/offline ages out with time,
 * not with an event). Areas are few and always sent whole.
 */
export async function streamCounts(
  deps: CountStreamDeps,
  request: WatchCountsRequest,
  utcOffsetMinutes: number,
  responses: RpcInputStream<WatchCountsResponse>,
  context: ServerCallContext,
): Promise<void> {
  const { cameras, areas, access, timing } = deps;
  // A snapshot is small and the newest one replaces the rest: 4 waiting means the reader is stuck.
  const writer = new BoundedStreamWriter(responses, 4);
  const changed = new Set<string>();
  let lastSent = 0;
  let lastFull = 0;
  let scheduled: NodeJS.Timeout | undefined;
  const send = () => {
    scheduled = undefined;
    const now = Date.now();
    const full = !request.changesOnly || now - lastFull >= timing.heartbeatMs;
    const views = cameras.list(now, utcOffsetMinutes);
    writer.push({
      cameras: (full ? views : views.filter((c) => changed.has(c.cameraId))).map(toProtoCamera),
      serverTimeMs: now,
      areas: areas ? areas.list().map(toProtoArea) : [],
      changesOnly: !full,
    });
    changed.clear();
    lastSent = now;
    if (full) lastFull = now;
  };
  const schedule = () => {
    if (!scheduled) scheduled = setTimeout(send, Math.max(0, lastSent + timing.minIntervalMs - Date.now()));
  };
  const unsubscribeCameras = cameras.onChange((cameraId) => {
    changed.add(cameraId);
    schedule();
  });
  const unsubscribeAreas = areas?.onChange(schedule);
  const heartbeat = setInterval(() => {
    try {
      // A stream outlives the viewer token it was opened with only until the next beat.
      access.requireViewer(context.headers);
    } catch (err) {
      writer.end(err as DomainError);
      return;
    }
    if (Date.now() - lastFull >= timing.heartbeatMs) send();
  }, timing.heartbeatMs / 2);
  try {
    send();
    await writer.run(cancelSignalOf(context));
  } finally {
    unsubscribeCameras();
    unsubscribeAreas?.();
    clearInterval(heartbeat);
    clearTimeout(scheduled);
  }
}
