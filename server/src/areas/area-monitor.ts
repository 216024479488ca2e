import type { CameraRegistry } from "../camera/camera-registry.ts";
import type { AreaStore, StoredArea } from "../store/area-store.ts";
import { capacityState, type CapacityState, type Occupancy, occupancyOf } from "./area-occupancy.ts";
import { crossingsByLine } from "./area-lines.ts";
import { dailyResetAfter, dailyResetBefore } from "./daily-reset.ts";

/** An area with its counts at one moment. */
export interface AreaView {
  readonly area: StoredArea;
  readonly occupancy: Occupancy;
  readonly state: CapacityState;
  /** The last daily reset. */
  readonly dayStartMs: number;
  /** Where inside counts from: the later of the daily and the manual reset. */
  readonly countingFromMs: number;
  readonly nextResetMs: number;
  /** When these counts were read. */
  readonly atMs: number;
}

/** Listens for an area whose counts or settings changed (or that was deleted). */
export type AreaChangeListener = (areaId: string) => void;

/** Timing of the monitor. */
export interface AreaMonitorOptions {
  /** At most one recount per this many ms while crossings come in. */
  readonly minIntervalMs: number;
  /** A full reload from the store this often (areas edited through another replica, a missed day boundary). */
  readonly reloadMs: number;
}

/**
 * Every area's counts, kept current: recounted from the stored crossings of
 * its entrances (so a restart continues where the events left off) whenever
 * an entrance camera's crossing totals move, at each daily reset, and after
 * an edit. Recounts are coalesced and run one at a time.
 */
export class AreaMonitor {
  /** The settings of every area, as last stored; `views` follows them. */
  private readonly areas = new Map<string, StoredArea>();
  private readonly views = new Map<string, AreaView>();
  private readonly listeners = new Set<AreaChangeListener>();
  /** crossedIn:crossedOut per camera, to ignore changes that are only people in view. */
  private readonly seen = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private running: Promise<void> | undefined;
  private scheduled: NodeJS.Timeout | undefined;
  private dayTimer: NodeJS.Timeout | undefined;
  private reloadTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastRunMs = 0;

  constructor(
    private readonly store: AreaStore,
    private readonly cameras: CameraRegistry,
    private readonly options: AreaMonitorOptions = { minIntervalMs: 200, reloadMs: 30_000 },
    private readonly clock: () => number = Date.now,
  ) {}

  /** Loads and counts every area, then follows the cameras. */
  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = this.cameras.onChange((cameraId) => this.cameraChanged(cameraId));
    this.reloadTimer = setInterval(() => void this.reload().catch(() => {}), this.options.reloadMs);
    this.reloadTimer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearInterval(this.reloadTimer);
    clearTimeout(this.scheduled);
    clearTimeout(this.dayTimer);
  }

  /** Every area, by name. */
  list(): AreaView[] {
    return [...this.views.values()].sort((a, b) => a.area.name.localeCompare(b.area.name) || a.area.areaId.localeCompare(b.area.areaId));
  }

  get(areaId: string): AreaView | undefined {
    return this.views.get(areaId);
  }

  /**
   * Counts a created or edited area now (the caller just stored it); undefined
   * only when it was deleted meanwhile.
   */
  async put(area: StoredArea): Promise<AreaView | undefined> {
    const id = area.areaId;
    this.areas.set(id, area);
    this.dirty.add(id);
    await this.run();
    // A reload running meanwhile (on PostgreSQL, set off by this very change's announcement) may have
    // replaced the area while it was counted, or dropped it from a list read just before it was stored.
    for (let round = 0; round < 3 && this.areas.has(id) && this.views.get(id)?.area !== this.areas.get(id); round++) {
      this.dirty.add(id);
      await this.run();
    }
    if (!this.views.has(id)) await this.reload();
    return this.views.get(id);
  }

  /** Forgets a deleted area. */
  remove(areaId: string): void {
    this.areas.delete(areaId);
    if (this.views.delete(areaId)) this.emit(areaId);
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: AreaChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads every area from the store and recounts them all. */
  async reload(): Promise<void> {
    const areas = await this.store.listAreas();
    const ids = new Set(areas.map((a) => a.areaId));
    for (const id of [...this.areas.keys()]) if (!ids.has(id)) this.remove(id);
    for (const area of areas) {
      this.areas.set(area.areaId, area);
      this.dirty.add(area.areaId);
    }
    await this.run();
  }

  private cameraChanged(cameraId: string): void {
    const t = this.cameras.totalsOf(cameraId);
    const signature = t ? `${t.crossedIn}:${t.crossedOut}` : "";
    if (this.seen.get(cameraId) === signature) return;
    this.seen.set(cameraId, signature);
    for (const a of this.areas.values()) if (a.entrances.some((e) => e.cameraId === cameraId)) this.dirty.add(a.areaId);
    if (this.dirty.size > 0) this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    const wait = Math.max(0, this.lastRunMs + this.options.minIntervalMs - this.clock());
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.run().catch(() => {});
    }, wait);
  }

  /** Recounts the dirty areas, one run at a time (a later run sees every crossing an earlier one may have missed). */
  private async run(): Promise<void> {
    while (this.running) await this.running;
    const work = (async () => {
      this.lastRunMs = this.clock();
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) {
        const area = this.areas.get(id);
        if (!area) continue;
        const view = await this.count(area);
        // Deleted or edited while counting: the next round counts what is stored now.
        if (this.areas.get(id) !== area) {
          if (this.areas.has(id)) this.dirty.add(id);
          continue;
        }
        this.views.set(id, view);
        this.emit(id);
      }
      this.scheduleDay();
      if (this.dirty.size > 0) this.schedule();
    })();
    this.running = work;
    try {
      await work;
    } finally {
      this.running = undefined;
    }
  }

  private async count(area: StoredArea): Promise<AreaView> {
    const atMs = this.clock();
    const dayStartMs = dailyResetBefore(atMs, area.resetMinute, area.timeZone);
    const manual = area.resetAtMs !== null && area.resetAtMs > dayStartMs ? area.resetAtMs : null;
    const cameraIds = area.entrances.map((e) => e.cameraId);
    const sinceDay = crossingsByLine(area.entrances, await this.store.crossingsSince(cameraIds, dayStartMs));
    const sinceManual = manual === null ? null : crossingsByLine(area.entrances, await this.store.crossingsSince(cameraIds, manual));
    const occupancy = occupancyOf(area.entrances, sinceDay, sinceManual);
    return {
      area,
      occupancy,
      state: capacityState(occupancy.inside, area.capacity),
      dayStartMs,
      countingFromMs: manual ?? dayStartMs,
      nextResetMs: dailyResetAfter(atMs, area.resetMinute, area.timeZone),
      atMs,
    };
  }

  /** Recounts every area at the earliest next daily reset. */
  private scheduleDay(): void {
    clearTimeout(this.dayTimer);
    const next = Math.min(...[...this.views.values()].map((v) => v.nextResetMs));
    if (!Number.isFinite(next)) return;
    // Capped at an hour, so a clock change of the machine is caught up on soon.
    this.dayTimer = setTimeout(() => void this.reload().catch(() => {}), Math.min(3_600_000, Math.max(0, next - this.clock()) + 50));
    this.dayTimer.unref();
  }

  private emit(areaId: string): void {
    for (const l of this.listeners) l(areaId);
  }
}
