/**
 * Dwell statistics: the median and 90th percentile of the stays that ended
 * in each time bucket (an hour, usually). Pure; the samples are the zone
 * leaves the store kept, each with its dwell.
 */

/** One finished stay: when it ended and how long it lasted. */
export interface DwellSample {
  readonly timeMs: number;
  readonly dwellMs: number;
}

/** The stays that ended in one bucket. */
export interface DwellBucket {
  /** Bucket start, Unix ms. */
  readonly startMs: number;
  readonly stays: number;
  readonly medianMs: number;
  readonly p90Ms: number;
}

/**
 * The q-quantile (0..1) of ascending values by the nearest-rank method (a
 * value that occurred, never an interpolation); 0 for no values.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/**
 * Groups samples into buckets of `bucketMs` starting at multiples of it in
 * local time (`offsetMs` east of UTC), and gives each bucket's median and
 * 90th percentile. Only buckets with a stay are returned, oldest first.
 */
export function dwellBuckets(samples: readonly DwellSample[], bucketMs: number, offsetMs = 0): DwellBucket[] {
  if (!(bucketMs > 0)) throw new RangeError("bucketMs must be > 0");
  const byBucket = new Map<number, number[]>();
  for (const s of samples) {
    const start = Math.floor((s.timeMs + offsetMs) / bucketMs) * bucketMs - offsetMs;
    let list = byBucket.get(start);
    if (!list) byBucket.set(start, (list = []));
    list.push(s.dwellMs);
  }
  return [...byBucket]
    .sort(([a], [b]) => a - b)
    .map(([startMs, list]) => {
      const sorted = list.sort((a, b) => a - b);
      return { startMs, stays: sorted.length, medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9) };
    });
}
