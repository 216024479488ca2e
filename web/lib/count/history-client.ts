/**
 * The count page's unary calls (history, export, camera management), each
 * with a deadline, answering a result instead of throwing so every caller
 * shows a readable message.
 */

import { scopeFields } from "../areas/area-scope.ts";
import type { PairCameraResponse } from "@headcount/proto/access";
import { AccessServiceClient } from "@headcount/proto/access-client";
import { CountServiceClient } from "@headcount/proto/count-client";
import type {
  Camera,
  ExportCountsRequest,
  ExportCountsResponse,
  GetLatestFrameResponse,
  ListEventsRequest,
  ListEventsResponse,
  SeriesPoint,
} from "@headcount/proto/count";
import type { CountingLine, NamedLine, Zone } from "@headcount/proto/types";
import { describeFailure, toCallFailure } from "../rpc-errors.ts";
import type { CallFailure } from "../rpc-errors.ts";
import { browserStore } from "../capture/camera-identity.ts";
import { UNARY_DEADLINE_MS, createTransport, withDeadline } from "../transport.ts";
import { viewerInterceptor } from "../viewer-credential.ts";
import type { ResolvedRange } from "./series-range.ts";

/** An export reads every event of the range: give it longer than a page. */
export const EXPORT_DEADLINE_MS = 60_000;

/** A call's answer, or a message for the page. */
export type CallResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly message: string; readonly failure: CallFailure; readonly aborted: boolean };

/** What each call was doing, in the words of its error message. */
export type HistoryAction = "series" | "events" | "export" | "rename" | "reset" | "line" | "places" | "frame" | "pair" | "revoke";

const ACTION_TEXT: Record<HistoryAction, string> = {
  series: "Could not load the counts over time",
  events: "Could not load the event log",
  export: "Could not export",
  rename: "Could not rename the camera",
  reset: "Could not reset the counts",
  line: "Could not save the counting line",
  places: "Could not save the lines and zones",
  pair: "Could not make a pairing link",
  revoke: "Could not revoke the pairing links",
  frame: "Could not load the camera's latest frame",
};

/**
 * The message for a failed call. A missing latest frame gets its own advice:
 * the server keeps frames in memory only, so a camera must be capturing.
 */
export function historyFailureMessage(action: HistoryAction, failure: CallFailure): string {
  if (action === "frame" && failure.code === "NOT_FOUND") {
    return "No recent frame from this camera: it must be capturing to draw its line. Open its capture page (the pairing link) and press Start, then reload the frame.";
  }
  return `${ACTION_TEXT[action]}: ${describeFailure(failure)}`;
}

/** Calls CountService's unary methods (and pairing) for the count page and the camera page. */
/** One line or zone of a camera, for its own series (both empty: the camera's). */
export interface SeriesPlace {
  readonly lineId?: string;
  readonly zoneId?: string;
}

export class HistoryClient {
  readonly #client: CountServiceClient;
  readonly #access: AccessServiceClient;

  constructor(baseUrl: string) {
    const transport = createTransport(baseUrl, [viewerInterceptor(browserStore)]);
    this.#client = new CountServiceClient(transport);
    this.#access = new AccessServiceClient(transport);
  }

  /**
   * PairCamera: a new pairing token, and where other devices reach the server.
   * `newCamera` creates the camera named `cameraName` (ALREADY_EXISTS if the id
   * is taken); otherwise the existing camera gets one more token and keeps its name.
   */
  pair(cameraId: string, cameraName: string, newCamera: boolean): Promise<CallResult<PairCameraResponse>> {
    return this.#call("pair", UNARY_DEADLINE_MS, undefined, async (options) => await this.#access.pairCamera({ cameraId, cameraName, newCamera }, options).response);
  }

  /** RevokePairings: every pairing link of the camera stops working for new sessions. */
  revokePairings(cameraId: string): Promise<CallResult<number>> {
    return this.#call("revoke", UNARY_DEADLINE_MS, undefined, async (options) => (await this.#access.revokePairings({ cameraId }, options).response).revoked);
  }

  /** GetSeries for one camera ("" for all) over a range: the non-empty buckets. */
  series(cameraId: string, range: ResolvedRange, signal?: AbortSignal, place?: SeriesPlace): Promise<CallResult<SeriesPoint[]>> {
    const request = {
      ...scopeFields(cameraId), fromMs: range.fromMs, toMs: range.toMs, bucket: range.bucket, utcOffsetMinutes: range.utcOffsetMinutes,
      lineId: place?.lineId ?? "", zoneId: place?.zoneId ?? "",
    };
    return this.#call("series", UNARY_DEADLINE_MS, signal, async (options) => (await this.#client.getSeries(request, options).response).points);
  }

  /** ListEvents: one page, newest first. */
  events(request: ListEventsRequest, signal?: AbortSignal): Promise<CallResult<ListEventsResponse>> {
    return this.#call("events", UNARY_DEADLINE_MS, signal, async (options) => (await this.#client.listEvents({ ...request, ...scopeFields(request.cameraId) }, options).response));
  }

  /** ExportCounts: a file of events or of the series. */
  exportFile(request: ExportCountsRequest, signal?: AbortSignal): Promise<CallResult<ExportCountsResponse>> {
    return this.#call("export", EXPORT_DEADLINE_MS, signal, async (options) => (await this.#client.exportCounts({ ...request, ...scopeFields(request.cameraId) }, options).response));
  }

  /** RenameCamera; answers the updated camera. */
  rename(cameraId: string, name: string): Promise<CallResult<Camera | undefined>> {
    return this.#call("rename", UNARY_DEADLINE_MS, undefined, async (options) => (await this.#client.renameCamera({ cameraId, name }, options).response).camera);
  }

  /** ResetCounts; answers the camera with its totals at zero. */
  reset(cameraId: string): Promise<CallResult<Camera | undefined>> {
    return this.#call("reset", UNARY_DEADLINE_MS, undefined, async (options) => (await this.#client.resetCounts({ cameraId }, options).response).camera);
  }

  /** SetCountingLine; `null` clears the line. */
  setLine(cameraId: string, line: CountingLine | null): Promise<CallResult<Camera | undefined>> {
    const request = line ? { cameraId, line } : { cameraId };
    return this.#call("line", UNARY_DEADLINE_MS, undefined, async (options) => (await this.#client.setCountingLine(request, options).response).camera);
  }

  /** SetPlaces: replaces the camera's named lines and zones. */
  setPlaces(cameraId: string, lines: readonly NamedLine[], zones: readonly Zone[]): Promise<CallResult<Camera | undefined>> {
    const request = { cameraId, lines: [...lines], zones: [...zones] };
    return this.#call("places", UNARY_DEADLINE_MS, undefined, async (options) => (await this.#client.setPlaces(request, options).response).camera);
  }

  /** GetLatestFrame: a recent JPEG of a capturing camera. */
  latestFrame(cameraId: string, signal?: AbortSignal): Promise<CallResult<GetLatestFrameResponse>> {
    return this.#call("frame", UNARY_DEADLINE_MS, signal, async (options) => (await this.#client.getLatestFrame({ cameraId }, options).response));
  }

  async #call<T>(
    action: HistoryAction,
    deadlineMs: number,
    signal: AbortSignal | undefined,
    start: (options: { abort: AbortSignal }) => Promise<T>,
  ): Promise<CallResult<T>> {
    try {
      return { ok: true, value: await withDeadline(deadlineMs, signal, (callSignal) => start({ abort: callSignal })) };
    } catch (error) {
      const failure = toCallFailure(error);
      return { ok: false, failure, message: historyFailureMessage(action, failure), aborted: signal?.aborted ?? false };
    }
  }
}
