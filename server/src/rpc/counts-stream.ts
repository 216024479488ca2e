import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import type { WatchCountsRequest, WatchCountsResponse } from "@headcount/proto/count";
import type { AccessControl } from "../access/access-control.ts";
import type { AreaMonitor } from "../areas/area-monitor.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import { toProtoArea } from "./area-mapping.ts";
import { toProtoCamera } from "./proto-mapping.ts";
import { runWatchStream, type WatchStreamTiming } from "./watch-stream.ts";

/** Timing of the count stream. */
export type CountStreamTiming = WatchStreamTiming;

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
  const { cameras, areas } = deps;
  const changed = new Set<string>();
  await runWatchStream<WatchCountsResponse>({
    responses,
    context,
    access: deps.access,
    timing: deps.timing,
    compose: (now, fullDue) => {
      const full = !request.changesOnly || fullDue;
      const views = cameras.list(now, utcOffsetMinutes);
      const message = {
        cameras: (full ? views : views.filter((c) => changed.has(c.cameraId))).map(toProtoCamera),
        serverTimeMs: now,
        areas: areas ? areas.list().map(toProtoArea) : [],
        changesOnly: !full,
      };
      changed.clear();
      return { message, full };
    },
    subscribe: (schedule) => {
      const unsubscribeCameras = cameras.onChange((cameraId) => {
        changed.add(cameraId);
        schedule();
      });
      const unsubscribeAreas = areas?.onChange(schedule);
      return () => {
        unsubscribeCameras();
        unsubscribeAreas?.();
      };
    },
  });
}
