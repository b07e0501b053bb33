package dev.cascade.cache.internal;

import java.time.Duration;

/**
 * Converts the durations a cache is configured with into the counts its parts work in, without
 * overflowing: a duration too long for the count is taken as the longest the part can use (so
 * that sums and differences with clock readings stay within a {@code long}), and a fraction of the
 * unit is rounded up, never down to 0 (which would turn a feature off). Stateless.
 */
final class Durations {
  /**
   * The longest wait or open duration, in nanoseconds: a quarter of {@code Long.MAX_VALUE}, about
   * 73 years, so that a monotonic reading plus or minus it never overflows.
   */
  static final long LONGEST_NANOS = Long.MAX_VALUE / 4;
  /**
   * The longest stale window, in milliseconds: a quarter of {@code Long.MAX_VALUE}, about 73 million
   * years, so that a wall-clock time plus a TTL plus it stays below {@code TierEntry.NO_EXPIRY}.
   */
  static final long LONGEST_WINDOW_MILLIS = Long.MAX_VALUE / 4;

  private Durations() {}

  /** Returns {@code duration} (not negative) in nanoseconds, at most {@link #LONGEST_NANOS}. */
  static long nanos(Duration duration) {
    if (duration.getSeconds() >= LONGEST_NANOS / 1_000_000_000L) {
      return LONGEST_NANOS;
    }
    return Math.min(duration.toNanos(), LONGEST_NANOS);
  }

  /**
   * Returns {@code duration} (not negative) in milliseconds, a fraction of one rounded up, at most
   * {@link #LONGEST_WINDOW_MILLIS}.
   */
  static long windowMillis(Duration duration) {
    if (duration.getSeconds() >= LONGEST_WINDOW_MILLIS / 1_000) {
      return LONGEST_WINDOW_MILLIS;
    }
    long millis = duration.toMillis() + (duration.getNano() % 1_000_000 == 0 ? 0 : 1);
    return Math.min(millis, LONGEST_WINDOW_MILLIS);
  }
}
