import type { RpcInputStream, ServerCallContext } from "@protobuf-ts/runtime-rpc";
import type {
  ListCamerasRequest,
  ListCamerasResponse,
  SetCountingLineRequest,
  SetCountingLineResponse,
  WatchCountsRequest,
  WatchCountsResponse,
} from "@headcount/proto/count";
import type { ICountService } from "@headcount/proto/count-server";
import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { Store } from "../store/store.ts";
import { BoundedStreamWriter, cancelSignalOf } from "./ack-stream.ts";
import { DomainError } from "./errors.ts";
import { fromProtoLine, toProtoCamera } from "./proto-mapping.ts";

/** Timing of the count stream. */
export interface CountServiceOptions {
  /** At most one snapshot per this many ms while counts change. */
  readonly minIntervalMs: number;
  /** A snapshot at least this often, so proxies see traffic and "online" ages out. */
  readonly heartbeatMs: number;
}

/**
 * headcount.v1.CountService: the count page's view of every camera, as
 * snapshots pushed on change (coalesced) and as a heartbeat.
 */
export class CountService implements ICountService {
  constructor(
    private readonly cameras: CameraRegistry,
    private readonly store: Store,
    private readonly options: CountServiceOptions = { minIntervalMs: 250, heartbeatMs: 5_000 },
  ) {}

  async listCameras(_request: ListCamerasRequest): Promise<ListCamerasResponse> {
    return { cameras: this.cameras.list(Date.now()).map(toProtoCamera) };
  }

  async watchCounts(_request: WatchCountsRequest, responses: RpcInputStream<WatchCountsResponse>, context: ServerCallContext): Promise<void> {
    // A snapshot is small and the newest one replaces the rest: 4 waiting means the reader is stuck.
    const writer = new BoundedStreamWriter(responses, 4);
    let lastSent = 0;
    let scheduled: NodeJS.Timeout | undefined;
    const snapshot = () => {
      scheduled = undefined;
      lastSent = Date.now();
      writer.push({ cameras: this.cameras.list(lastSent).map(toProtoCamera), serverTimeMs: lastSent });
    };
    const onChange = () => {
      if (scheduled) return;
      scheduled = setTimeout(snapshot, Math.max(0, lastSent + this.options.minIntervalMs - Date.now()));
    };
    const unsubscribe = this.cameras.onChange(onChange);
    const heartbeat = setInterval(() => {
      if (Date.now() - lastSent >= this.options.heartbeatMs) snapshot();
    }, this.options.heartbeatMs / 2);
    try {
      snapshot();
      await writer.run(cancelSignalOf(context));
    } finally {
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(scheduled);
    }
  }

  async setCountingLine(request: SetCountingLineRequest): Promise<SetCountingLineResponse> {
    if (!this.cameras.has(request.cameraId)) {
      throw new DomainError("NOT_FOUND", `no camera with id ${JSON.stringify(request.cameraId.slice(0, 80))}`);
    }
    this.cameras.load(await this.store.setLine(request.cameraId, request.line ? fromProtoLine(request.line) : null));
    const camera = this.cameras.list(Date.now()).find((c) => c.cameraId === request.cameraId)!;
    return { camera: toProtoCamera(camera) };
  }
}
