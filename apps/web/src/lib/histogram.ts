// Counting times into buckets for the events histogram.

const STEPS_MS = [
  60_000,
  5 * 60_000,
  15 * 60_000,
  30 * 60_000,
  3_600_000,
  3 * 3_600_000,
  6 * 3_600_000,
  12 * 3_600_000,
  86_400_000,
];

/** The smallest step that cuts a span into at most `max` buckets. */
export function pickBucketMs(spanMs: number, max = 60): number {
  return STEPS_MS.find((step) => spanMs / step <= max) ?? STEPS_MS[STEPS_MS.length - 1]!;
}

export interface Histogram {
  bucketMs: number;
  buckets: number[];
  counts: number[];
}

/** Counts of `times` (epoch ms) per bucket from `from` to `to`, aligned to the step. */
export function histogram(times: readonly number[], from: number, to: number, max = 60): Histogram {
  const bucketMs = pickBucketMs(Math.max(to - from, 60_000), max);
  const start = Math.floor(from / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((to - start) / bucketMs));
  const counts = new Array<number>(n).fill(0);
  for (const t of times) {
    const i = Math.floor((t - start) / bucketMs);
    if (i >= 0 && i < n) counts[i]! += 1;
  }
  return { bucketMs, buckets: counts.map((_, i) => start + i * bucketMs), counts };
}
