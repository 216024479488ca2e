/**
 * Running statistics of a capture page: what was sent, what came back, how
 * fast and how late. Pure: every method takes the current time.
 */

/** How an ack ended, as the page names it (also the `data-status` of an ack row). */
export type AckStatusName = "processed" | "dropped_stale" | "rejected" | "unspecified";

/** The window for the sent/acked rates, ms. */
export const RATE_WINDOW_MS = 5_000;
/** How many processed acks the latency percentiles look at. */
export const LATENCY_SAMPLES = 100;

/** A point-in-time copy of the statistics, for rendering. */
export interface StatsSnapshot {
  /** UploadFrame calls issued. */
  readonly sent: number;
  /** Acks received, any status. */
  readonly acked: number;
  readonly processed: number;
  /** Frames dropped on the page because the upload window was full. */
  readonly droppedClient: number;
  /** Acks with DROPPED_STALE. */
  readonly droppedStale: number;
  /** Acks with REJECTED. */
  readonly rejected: number;
  /** Frames not sent because the JPEG was over the server's max_frame_bytes. */
  readonly oversize: number;
  /** UploadFrame calls that failed. */
  readonly uploadErrors: number;
  /** Uploads per second over the last {@link RATE_WINDOW_MS}. */
  readonly sentFps: number;
  /** Acks (any status) per second over the last {@link RATE_WINDOW_MS}. */
  readonly ackedFps: number;
  /** Median round trip of the last {@link LATENCY_SAMPLES} processed acks, ms; null before the first. */
  readonly latencyP50: number | null;
  /** 95th percentile of the same samples, ms; null before the first. */
  readonly latencyP95: number | null;
}

/**
 * Nearest-rank percentile (p in 0..100) of unsorted values; null when empty.
 * Nearest-rank returns an observed value, so a test can find it among the rows.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] ?? null;
}

/** Accumulates events; {@link snapshot} derives rates and percentiles. */
export class AckStats {
  #sent = 0;
  #acked = 0;
  #processed = 0;
  #droppedClient = 0;
  #droppedStale = 0;
  #rejected = 0;
  #oversize = 0;
  #uploadErrors = 0;
  #sentTimes: number[] = [];
  #ackTimes: number[] = [];
  #firstSentMs: number | null = null;
  #firstAckMs: number | null = null;
  #latencies: number[] = [];

  /** An UploadFrame call was issued at `nowMs`. */
  recordSent(nowMs: number): void {
    this.#sent += 1;
    this.#firstSentMs ??= nowMs;
    pushWithin(this.#sentTimes, nowMs);
  }

  /** A frame was dropped on the page (window full). */
  recordDroppedClient(): void {
    this.#droppedClient += 1;
  }

  /** A frame was skipped because its JPEG was too big for the server. */
  recordOversize(): void {
    this.#oversize += 1;
  }

  /** An UploadFrame call failed. */
  recordUploadError(): void {
    this.#uploadErrors += 1;
  }

  /** An ack arrived at `nowMs`; `latencyMs` is now minus the frame's capture time. */
  recordAck(nowMs: number, status: AckStatusName, latencyMs: number): void {
    this.#acked += 1;
    this.#firstAckMs ??= nowMs;
    pushWithin(this.#ackTimes, nowMs);
    if (status === "processed") {
      this.#processed += 1;
      this.#latencies.push(latencyMs);
      if (this.#latencies.length > LATENCY_SAMPLES) this.#latencies.shift();
    } else if (status === "dropped_stale") {
      this.#droppedStale += 1;
    } else if (status === "rejected") {
      this.#rejected += 1;
    }
  }

  /** The statistics as of `nowMs`. */
  snapshot(nowMs: number): StatsSnapshot {
    return {
      sent: this.#sent,
      acked: this.#acked,
      processed: this.#processed,
      droppedClient: this.#droppedClient,
      droppedStale: this.#droppedStale,
      rejected: this.#rejected,
      oversize: this.#oversize,
      uploadErrors: this.#uploadErrors,
      sentFps: rate(this.#sentTimes, this.#firstSentMs, nowMs),
      ackedFps: rate(this.#ackTimes, this.#firstAckMs, nowMs),
      latencyP50: percentile(this.#latencies, 50),
      latencyP95: percentile(this.#latencies, 95),
    };
  }
}

/** Appends a time and forgets the ones too old to matter for any later rate. */
function pushWithin(times: number[], nowMs: number): void {
  times.push(nowMs);
  while (times.length > 0 && (times[0] ?? nowMs) <= nowMs - RATE_WINDOW_MS) times.shift();
}

/**
 * Events per second in (now - window, now]. During the first seconds the
 * span is shorter than the window (but at least 1 s), so the rate is not
 * understated right after starting.
 */
function rate(times: readonly number[], firstMs: number | null, nowMs: number): number {
  if (firstMs === null) return 0;
  let count = 0;
  for (const t of times) if (t > nowMs - RATE_WINDOW_MS && t <= nowMs) count += 1;
  const spanMs = Math.min(RATE_WINDOW_MS, Math.max(1_000, nowMs - firstMs));
  return count / (spanMs / 1000);
}
