import { randomBytes } from "node:crypto";
import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import type {
  CreateAreaRequest, CreateAreaResponse, DeleteAreaRequest, DeleteAreaResponse, ListAreasRequest, ListAreasResponse, ResetAreaRequest,
  ResetAreaResponse, UpdateAreaRequest, UpdateAreaResponse, WatchAreaRequest, WatchAreaResponse,
} from "@headcount/proto/area";
import type { IAreaService } from "@headcount/proto/area-server";
import type { AccessControl } from "../access/access-control.ts";
import type { AreaMonitor, AreaView } from "../areas/area-monitor.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { AreaStore } from "../store/area-store.ts";
import { BoundedStreamWriter, cancelSignalOf } from "./ack-stream.ts";
import { fromProtoSettings, toProtoArea } from "./area-mapping.ts";
import { DomainError } from "./errors.ts";
import type { CountServiceOptions } from "./count-service.ts";

/** What the area service needs. */
export interface AreaServiceDeps {
  readonly store: AreaStore;
  readonly monitor: AreaMonitor;
  readonly cameras: CameraRegistry;
  readonly access: AccessControl;
  /** The zone of areas created without one (the server's). */
  readonly defaultTimeZone: string;
  readonly stream?: CountServiceOptions;
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
    return { area: toProtoArea(this.requireArea(stored.areaId, await this.deps.monitor.put(stored))) };
  }

  async updateArea(request: UpdateAreaRequest, context: ServerCallContext): Promise<UpdateAreaResponse> {
    this.deps.access.requireViewer(context.headers);
    this.requireArea(request.areaId);
    const { settings, entrances } = fromProtoSettings(request.settings, this.deps.cameras, this.deps.defaultTimeZone);
    await this.deps.store.updateArea(request.areaId, settings);
    const stored = await this.deps.store.setEntrances(request.areaId, entrances);
    return { area: toProtoArea(this.requireArea(stored.areaId, await this.deps.monitor.put(stored))) };
  }

  async deleteArea(request: DeleteAreaRequest, context: ServerCallContext): Promise<DeleteAreaResponse> {
    this.deps.access.requireViewer(context.headers);
    this.requireArea(request.areaId);
    await this.deps.store.deleteArea(request.areaId);
    this.deps.monitor.remove(request.areaId);
    return {};
  }

  async resetArea(request: ResetAreaRequest, context: ServerCallContext): Promise<ResetAreaResponse> {
    this.deps.access.requireViewer(context.headers);
    this.requireArea(request.areaId);
    const stored = await this.deps.store.resetArea(request.areaId, Date.now());
    return { area: toProtoArea(this.requireArea(stored.areaId, await this.deps.monitor.put(stored))) };
  }

  async watchArea(request: WatchAreaRequest, responses: RpcInputStream<WatchAreaResponse>, context: ServerCallContext): Promise<void> {
    const { access, monitor } = this.deps;
    const timing = this.deps.stream ?? { minIntervalMs: 250, heartbeatMs: 5_000 };
    access.requireViewer(context.headers);
    this.requireArea(request.areaId);
    const writer = new BoundedStreamWriter(responses, 4);
    let lastSent = 0;
    let scheduled: NodeJS.Timeout | undefined;
    const send = () => {
      scheduled = undefined;
      const view = monitor.get(request.areaId);
      if (!view) return writer.end(new DomainError("NOT_FOUND", "the area was deleted"));
      lastSent = Date.now();
      writer.push({ area: toProtoArea(view), serverTimeMs: lastSent });
    };
    const unsubscribe = monitor.onChange((areaId) => {
      if (areaId !== request.areaId || scheduled) return;
      scheduled = setTimeout(send, Math.max(0, lastSent + timing.minIntervalMs - Date.now()));
    });
    const heartbeat = setInterval(() => {
      try {
        access.requireViewer(context.headers);
      } catch (err) {
        writer.end(err as DomainError);
        return;
      }
      if (Date.now() - lastSent >= timing.heartbeatMs) send();
    }, timing.heartbeatMs / 2);
    try {
      send();
      await writer.run(cancelSignalOf(context));
    } finally {
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(scheduled);
    }
  }

  /** The area's view (the current one unless given); NOT_FOUND when there is none (deleted, or never made). */
  private requireArea(areaId: string, view: AreaView | undefined = this.deps.monitor.get(areaId)): AreaView {
    if (!view) throw new DomainError("NOT_FOUND", `no area with id ${JSON.stringify(areaId.slice(0, 80))}`);
    return view;
  }
}
