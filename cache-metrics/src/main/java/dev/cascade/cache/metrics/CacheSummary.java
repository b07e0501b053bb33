package dev.cascade.cache.metrics;

import dev.cascade.cache.CacheStats;
import java.time.Duration;
import java.util.Objects;

/**
 * A cache's hit rate and the loader time its hits saved, estimated from the mean load time: each hit
 * is taken to have avoided one loader call of average length. The estimate is only as good as the
 * loads it averages; with no load yet it is zero. Immutable.
 *
 * @param hits lookups some tier answered (cached absences included)
 * @param misses lookups no tier could answer
 * @param hitRate {@code hits / (hits + misses)}, {@code 1.0} when there were no lookups
 * @param meanLoadTime mean duration of a loader call, zero when none ran
 * @param loadTimeSaved {@code hits * meanLoadTime}: loader time the hits avoided, estimated
 */
public record CacheSummary(long hits, long misses, double hitRate, Duration meanLoadTime, Duration loadTimeSaved) {

  public CacheSummary {
    Objects.requireNonNull(meanLoadTime, "meanLoadTime");
    Objects.requireNonNull(loadTimeSaved, "loadTimeSaved");
  }

  /** Returns the summary of {@code stats}. */
  public static CacheSummary of(CacheStats stats) {
    Objects.requireNonNull(stats, "stats");
    double meanNanos = stats.averageLoadPenaltyNanos();
    return new CacheSummary(
        stats.hitCount(),
        stats.missCount(),
        stats.hitRate(),
        Duration.ofNanos(Math.round(meanNanos)),
        Duration.ofNanos(saturated(stats.hitCount() * meanNanos)));
  }

  private static long saturated(double nanos) {
    return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(nanos);
  }
}
