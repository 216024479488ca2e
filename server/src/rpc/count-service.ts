import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import {
  Bucket,
  EventKind,
  EventReason,
  ExportContent,
  ExportFormat,
  type ExportCountsRequest,
  type GetLatestFrameRequest,
  type GetLatestFrameResponse,
  type ExportCountsResponse,
  type GetSeriesRequest,
  type GetSeriesResponse,
  type ListEventsRequest,
  type ListEventsResponse,
  type RenameCameraRequest,
  type RenameCameraResponse,
  type ResetCountsRequest,
  type ResetCountsResponse,
  type ListCamerasRequest,
  ListCamerasResponse,
  SetCountingLineRequest,
  SetCountingLineResponse,
  type SetPlacesRequest,
  type SetPlacesResponse,
  WatchCountsRequest,
  WatchCountsResponse,
} from "@headcount/proto/count";
import type { ICountService } from "@headcount/proto/count-server";
import type { AccessControl, SessionCredential } from "../access/access-control.ts";
import { headerValue } from "../access/bearer-credential.ts";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { BucketSize, StoredEvent, StoredEventKind, StoredEventReason, Store } from "../store/store.ts";
import { DomainError } from "./errors.ts";
import { exportEvents, exportSeries, fillSeries } from "./history-export.ts";
import { requireArea } from "./area-mapping.ts";
import { fromProtoLine, fromProtoPlaces, toProtoCamera } from "./proto-mapping.ts";
import { seriesWithDwell, toProtoPoint } from "./place-series.ts";
import { streamCounts, type CountStreamTiming } from "./counts-stream.ts";
import type { AreaMonitor } from "../areas/area-monitor.ts";

/** Most buckets one series request may cover (a week of minutes is 10,080). */
const MAX_BUCKETS = 50_000;
/** Most events one export may hold; a bigger range must be split. */
const MAX_EXPORT_EVENTS = 200_000;

const KIND_TO_PROTO: Record<StoredEventKind, EventKind> = {
  entry: EventKind.ENTRY,
  exit: EventKind.EXIT,
  cross_in: EventKind.CROSS_IN,
  cross_out: EventKind.CROSS_OUT,
  reset: EventKind.RESET,
  zone_enter: EventKind.ZONE_ENTER,
  zone_leave: EventKind.ZONE_LEAVE,
};

const REASON_TO_PROTO: Record<StoredEventReason, EventReason> = {
  capture_stopped: EventReason.CAPTURE_STOPPED,
  session_lost: EventReason.SESSION_LOST,
};

/** Timing of the count stream. */
export type CountServiceOptions = CountStreamTiming;

/**
 * headcount.v1.CountService: the count page's view of every camera, as
 * snapshots pushed on change (coalesced) and as a heartbeat.
 */
export class CountService implements ICountService {
  constructor(
    private readonly cameras: CameraRegistry,
    private readonly store: Store,
    private readonly access: AccessControl,
    /** The open session with an id, if any (a capture page may set its own camera's line). */
    private readonly sessionOf: (sessionId: string) => SessionCredential | undefined,
    /** Areas, for WatchCounts and for filtering the history by area; null leaves them out. */
    private readonly areas: AreaMonitor | null = null,
    private readonly options: CountServiceOptions = { minIntervalMs: 250, heartbeatMs: 5_000 },
  ) {}

  async listCameras(request: ListCamerasRequest, context: ServerCallContext): Promise<ListCamerasResponse> {
    this.access.requireViewer(context.headers);
    const offset = checkUtcOffset(request.utcOffsetMinutes ?? 0);
    return { cameras: this.cameras.list(Date.now(), offset).map(toProtoCamera) };
  }

  async watchCounts(request: WatchCountsRequest, responses: RpcInputStream<WatchCountsResponse>, context: ServerCallContext): Promise<void> {
    this.access.requireViewer(context.headers);
    const offset = checkUtcOffset(request.utcOffsetMinutes ?? 0);
    const deps = { cameras: this.cameras, areas: this.areas, access: this.access, timing: this.options };
    await streamCounts(deps, request, offset, responses, context);
  }

  async setCountingLine(request: SetCountingLineRequest, context: ServerCallContext): Promise<SetCountingLineResponse> {
    const sessionId = headerValue(context.headers, "x-session-id");
    const session = sessionId === undefined ? undefined : this.sessionOf(sessionId);
    this.access.requireViewerOrSession(context.headers, request.cameraId, session);
    this.requireCamera(request.cameraId);
    this.cameras.load(await this.store.setLine(request.cameraId, request.line ? fromProtoLine(request.line) : null));
    return { camera: this.cameraView(request.cameraId) };
  }

  async setPlaces(request: SetPlacesRequest, context: ServerCallContext): Promise<SetPlacesResponse> {
    this.access.requireViewer(context.headers);
    this.requireCamera(request.cameraId);
    this.cameras.load(await this.store.setPlaces(request.cameraId, fromProtoPlaces(request.lines, request.zones)));
    return { camera: this.cameraView(request.cameraId) };
  }

  async renameCamera(request: RenameCameraRequest, context: ServerCallContext): Promise<RenameCameraResponse> {
    this.access.requireViewer(context.headers);
    const name = request.name.trim();
    if (name.length < 1 || name.length > 80) throw new DomainError("INVALID_ARGUMENT", "a camera name has 1 to 80 characters");
    this.requireCamera(request.cameraId);
    this.cameras.load(await this.store.renameCamera(request.cameraId, name));
    return { camera: this.cameraView(request.cameraId) };
  }

  async resetCounts(request: ResetCountsRequest, context: ServerCallContext): Promise<ResetCountsResponse> {
    this.access.requireViewer(context.headers);
    this.requireCamera(request.cameraId);
    await this.store.appendEvents(request.cameraId, null, [{ kind: "reset", trackId: 0, timeMs: Date.now() }]);
    const stored = await this.store.getCamera(request.cameraId);
    if (stored) this.cameras.load(stored);
    return { camera: this.cameraView(request.cameraId) };
  }

  async getSeries(request: GetSeriesRequest, context: ServerCallContext): Promise<GetSeriesResponse> {
    this.access.requireViewer(context.headers);
    const query = this.seriesQuery(request);
    return { points: (await seriesWithDwell(this.store, query)).map(toProtoPoint) };
  }

  async listEvents(request: ListEventsRequest, context: ServerCallContext): Promise<ListEventsResponse> {
    this.access.requireViewer(context.headers);
    if (request.limit > 1000) throw new DomainError("INVALID_ARGUMENT", "limit is at most 1000");
    if (request.cameraId) this.requireCamera(request.cameraId);
    const page = await this.store.events({
      cameraId: request.cameraId || undefined,
      cameraIds: this.areaCameras(request.areaId),
      fromMs: request.fromMs || undefined,
      toMs: request.toMs || undefined,
      limit: request.limit || 100,
      cursor: request.cursor || undefined,
    });
    return { events: page.events.map(toProtoEvent), nextCursor: page.nextCursor ?? "" };
  }

  async exportCounts(request: ExportCountsRequest, context: ServerCallContext): Promise<ExportCountsResponse> {
    this.access.requireViewer(context.headers);
    const format = request.format === ExportFormat.CSV ? "csv" : request.format === ExportFormat.JSON ? "json" : null;
    if (!format) throw new DomainError("INVALID_ARGUMENT", "format must be CSV or JSON");
    checkRange(request.fromMs, request.toMs);
    const label = `${request.cameraId || (request.areaId ? `area-${request.areaId}` : "all")}-${new Date(request.fromMs).toISOString().slice(0, 10)}`;
    if (request.content === ExportContent.SERIES) {
      const query = this.seriesQuery(request);
      const points = fillSeries(await seriesWithDwell(this.store, query), { ...query, utcOffsetMinutes: query.utcOffsetMinutes ?? 0 });
      return exportSeries(points, format, label);
    }
    if (request.content !== ExportContent.EVENTS) throw new DomainError("INVALID_ARGUMENT", "content must be EVENTS or SERIES");
    if (request.cameraId) this.requireCamera(request.cameraId);
    checkRange(request.fromMs, request.toMs);
    const events: StoredEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.events({ cameraId: request.cameraId || undefined, cameraIds: this.areaCameras(request.areaId), fromMs: request.fromMs, toMs: request.toMs, limit: 10_000, cursor });
      events.push(...page.events);
      cursor = page.nextCursor ?? undefined;
      if (events.length > MAX_EXPORT_EVENTS) {
        throw new DomainError("RESOURCE_EXHAUSTED", `more than ${MAX_EXPORT_EVENTS} events in this range; export a shorter range`);
      }
    } while (cursor);
    return exportEvents(events, format, label);
  }

  async getLatestFrame(request: GetLatestFrameRequest, context: ServerCallContext): Promise<GetLatestFrameResponse> {
    this.access.requireViewer(context.headers);
    this.requireCamera(request.cameraId);
    const frame = this.cameras.latestFrame(request.cameraId);
    if (!frame) throw new DomainError("NOT_FOUND", "no frame from this camera since the server started; start its capture page");
    return { jpeg: frame.jpeg, width: frame.width, height: frame.height, capturedAtMs: frame.capturedAtMs };
  }

  private seriesQuery(request: { cameraId: string; areaId?: string; fromMs: number; toMs: number; bucket: Bucket; utcOffsetMinutes: number; lineId: string; zoneId: string }) {
    const bucket: BucketSize | null =
      request.bucket === Bucket.MINUTE ? "minute" : request.bucket === Bucket.HOUR ? "hour" : request.bucket === Bucket.DAY ? "day" : null;
    if (!bucket) throw new DomainError("INVALID_ARGUMENT", "bucket must be MINUTE, HOUR or DAY");
    checkRange(request.fromMs, request.toMs);
    const size = bucket === "minute" ? 60_000 : bucket === "hour" ? 3_600_000 : 86_400_000;
    if ((request.toMs - request.fromMs) / size > MAX_BUCKETS) {
      throw new DomainError("INVALID_ARGUMENT", `the range holds more than ${MAX_BUCKETS} ${bucket} buckets; use a wider bucket`);
    }
    checkUtcOffset(request.utcOffsetMinutes);
    if (request.cameraId) this.requireCamera(request.cameraId);
    return {
      cameraId: request.cameraId || undefined, cameraIds: this.areaCameras(request.areaId), fromMs: request.fromMs, toMs: request.toMs, bucket,
      utcOffsetMinutes: request.utcOffsetMinutes, lineId: request.lineId || undefined, zoneId: request.zoneId || undefined,
    };
  }

  /** The cameras of an area's entrances, for filtering; undefined for no area; NOT_FOUND for an unknown one. */
  private areaCameras(areaId: string | undefined): string[] | undefined {
    if (!areaId) return undefined;
    const view = requireArea(this.areas, areaId);
    return [...new Set(view.area.entrances.map((e) => e.cameraId))];
  }

  private requireCamera(cameraId: string): void {
    if (!this.cameras.has(cameraId)) throw new DomainError("NOT_FOUND", `no camera with id ${JSON.stringify(cameraId.slice(0, 80))}`);
  }

  private cameraView(cameraId: string) {
    return toProtoCamera(this.cameras.list(Date.now()).find((c) => c.cameraId === cameraId)!);
  }
}

/** The latest time a JavaScript Date can hold (year 275760). */
const MAX_TIME_MS = 8.64e15;

function checkRange(fromMs: number, toMs: number): void {
  if (!(fromMs >= 0 && toMs > fromMs && toMs <= MAX_TIME_MS)) {
    throw new DomainError("INVALID_ARGUMENT", `the range needs 0 <= from_ms < to_ms <= ${MAX_TIME_MS}`);
  }
}

/** A viewer's UTC offset in minutes, as given; INVALID_ARGUMENT beyond ±14 hours. */
function checkUtcOffset(minutes: number): number {
  if (Math.abs(minutes) > 14 * 60) throw new DomainError("INVALID_ARGUMENT", "utc_offset_minutes must be within ±840");
  return minutes;
}

function toProtoEvent(e: StoredEvent) {
  const reason = e.reason ? REASON_TO_PROTO[e.reason] : EventReason.UNSPECIFIED;
  return {
    id: e.id, cameraId: e.cameraId, kind: KIND_TO_PROTO[e.kind], trackId: e.trackId, timeMs: e.timeMs, reason,
    lineId: e.lineId ?? "", zoneId: e.zoneId ?? "", dwellMs: e.dwellMs ?? 0,
  };
}
