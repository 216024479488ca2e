/**
 * The count page's calls to AreaService (create, reset, delete), each with a
 * deadline and the viewer token, failures turned into plain sentences.
 */

import { AreaServiceClient } from "@headcount/proto/area-client";
import type { Area, AreaSettings } from "@headcount/proto/area";
import { browserStore } from "../capture/camera-identity.ts";
import { describeFailure, toCallFailure } from "../rpc-errors.ts";
import { UNARY_DEADLINE_MS, createTransport, withDeadline } from "../transport.ts";
import { viewerInterceptor } from "../viewer-credential.ts";

/** Minutes after midnight from an <input type="time"> value ("04:00" -> 240); null when unreadable. */
export function minutesOf(time: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/** 240 -> "04:00", for an <input type="time">. */
export function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** A failed area call, as a sentence for the page. */
export function areaFailure(error: unknown): string {
  const failure = toCallFailure(error);
  return failure.network ? "The server cannot be reached; try again." : describeFailure(failure);
}

/** AreaService for the count page. */
export class AreaClient {
  readonly #client: AreaServiceClient;

  constructor(baseUrl: string) {
    this.#client = new AreaServiceClient(createTransport(baseUrl, [viewerInterceptor(browserStore)]));
  }

  async create(settings: AreaSettings): Promise<Area> {
    const { area } = await withDeadline(UNARY_DEADLINE_MS, undefined, (abort) => this.#client.createArea({ settings }, { abort }).response);
    return area!;
  }

  async update(areaId: string, settings: AreaSettings): Promise<Area> {
    const { area } = await withDeadline(UNARY_DEADLINE_MS, undefined, (abort) => this.#client.updateArea({ areaId, settings }, { abort }).response);
    return area!;
  }

  async reset(areaId: string): Promise<void> {
    await withDeadline(UNARY_DEADLINE_MS, undefined, (abort) => this.#client.resetArea({ areaId }, { abort }).response);
  }

  async remove(areaId: string): Promise<void> {
    await withDeadline(UNARY_DEADLINE_MS, undefined, (abort) => this.#client.deleteArea({ areaId }, { abort }).response);
  }
}
