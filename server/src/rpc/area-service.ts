import { randomBytes } from "node:crypto";
import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import type {
  Area, CreateAreaRequest, CreateAreaResponse, DeleteAreaRequest, DeleteAreaResponse, ListAreasRequest, ListAreasResponse, ResetAreaRequest,
  ResetAreaResponse, UpdateAreaRequest, UpdateAreaResponse, WatchAreaRequest, WatchAreaResponse,
} from "@headcount/proto/area";
import type { IAreaService } from "@headcount/proto/area-server";
import type { AccessControl } from "../access/access-control.ts";
import type { AreaMonitor } from "../areas/area-monitor.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { AreaStore, StoredArea } from "../store/area-store.ts";
import { fromProtoSettings, requireArea, toProtoArea } from "./area-mapping.ts";
import { DomainError } from "./errors.ts";
import { runWatchStream, type WatchStreamTiming } from "./watch-stream.ts";

/** What the area service needs. */
export interface AreaServiceDeps {
  readonly store: AreaStore;
  readonly monitor: AreaMonitor;
  readonly cameras: CameraRegistry;
  readonly access: AccessControl;
  /** The zone of areas created without one (the server's). */
  readonly defaultTimeZone: string;
  readonly stream?: WatchStreamTiming;
}

/**
 * headcount.v1.AreaService: areas of several doors, their counts, and a
 * stream of one area for the occupancy display. Every call needs a viewer.
 */
export class AreaService implements IAreaService {
  constructor(private readonly deps: AreaServiceDeps) {}

  async listAreas(_request: ListAreasRequest, context: ServerCallContext): Promise<ListAreasResponse> {
    this.deps.access.requireViewer(context.headers);
    return { areas: this.deps.monitor.list().map(toProtoArea) };
  }

  async createArea(request: CreateAreaRequest, context: ServerCallContext): Promise<CreateAreaResponse> {
    this.deps.access.requireViewer(context.headers);
    const { settings, entrances } = fromProtoSettings(request.settings, this.deps.cameras, this.deps.defaultTimeZone);
    // Short and URL-safe: it is in the display's address.
    const areaId = randomBytes(6).toString("base64url");
    await this.deps.store.createArea(areaId, settings, Date.now());
    const stored = await this.deps.store.setEntrances(areaId, entrances);
    return { area: await this.counted(stored) };
  }

  async updateArea(request: UpdateAreaRequest, context: ServerCallContext): Promise<UpdateAreaResponse> {
    this.deps.access.requireViewer(context.headers);
    requireArea(this.deps.monitor, request.areaId);
    const { settings, entrances } = fromProtoSettings(request.settings, this.deps.cameras, this.deps.defaultTimeZone);
    await this.deps.store.updateArea(request.areaId, settings);
    const stored = await this.deps.store.setEntrances(request.areaId, entrances);
    return { area: await this.counted(stored) };
  }

  async deleteArea(request: DeleteAreaRequest, context: ServerCallContext): Promise<DeleteAreaResponse> {
    this.deps.access.requireViewer(context.headers);
    requireArea(this.deps.monitor, request.areaId);
    await this.deps.store.deleteArea(request.areaId);
    this.deps.monitor.remove(request.areaId);
    return {};
  }

  async resetArea(request: ResetAreaRequest, context: ServerCallContext): Promise<ResetAreaResponse> {
    this.deps.access.requireViewer(context.headers);
    requireArea(this.deps.monitor, request.areaId);
    const stored = await this.deps.store.resetArea(request.areaId, Date.now());
    return { area: await this.counted(stored) };
  }

  async watchArea(request: WatchAreaRequest, responses: RpcInputStream<WatchAreaResponse>, context: ServerCallContext): Promise<void> {
    const { access, monitor } = this.deps;
    access.requireViewer(context.headers);
    requireArea(monitor, request.areaId);
    await runWatchStream<WatchAreaResponse>({
      responses,
      context,
      access,
      timing: this.deps.stream ?? { minIntervalMs: 250, heartbeatMs: 5_000 },
      compose: (now) => {
        const view = monitor.get(request.areaId);
        return view ? { message: { area: toProtoArea(view), serverTimeMs: now }, full: true } : new DomainError("NOT_FOUND", "the area was deleted");
      },
      subscribe: (changed) =>
        monitor.onChange((areaId) => {
          if (areaId === request.areaId) changed();
        }),
    });
  }

  /** The area just stored, counted now; NOT_FOUND when it was deleted meanwhile. */
  private async counted(stored: StoredArea): Promise<Area> {
    const view = await this.deps.monitor.put(stored);
    return toProtoArea(view ?? requireArea(this.deps.monitor, stored.areaId));
  }
}
