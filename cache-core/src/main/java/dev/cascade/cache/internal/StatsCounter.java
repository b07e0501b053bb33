package dev.cascade.cache.internal;

import dev.cascade.cache.CacheStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache's counters. Hits answered by the in-process tier's {@code getIfPresent}, the hottest,
 * and puts use a {@link HitCounter} (a single-writer slot per thread); the cache's other hits (the second
 * look after registering a load, remote tiers) and the other counters are {@link LongAdder}s so that
 * concurrent updates on different cores do not contend. The cache's hit count is the sum of both
 * hit counters. {@code localHits}, {@code localMisses} and {@code localFailures} count every
 * lookup in the in-process tier exactly once and are what {@code CacheInspector.localLookups()}
 * reports. A snapshot is not atomic across counters.
 */
final class StatsCounter {
  final HitCounter localHits = new HitCounter();
  final LongAdder localMisses = new LongAdder();
  final LongAdder localFailures = new LongAdder();
  final LongAdder otherHits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder loadSuccesses = new LongAdder();
  final LongAdder loadFailures = new LongAdder();
  final LongAdder loadNanos = new LongAdder();
  final LongAdder coalescedWaits = new LongAdder();
  final LongAdder nullHits = new LongAdder();
  final LongAdder decodeFailures = new LongAdder();
  final LongAdder tierErrors = new LongAdder();
  final LongAdder leaseWaits = new LongAdder();
  final LongAdder invalidationsReceived = new LongAdder();
  final HitCounter puts = new HitCounter();
  final LongAdder localFlushes = new LongAdder();
  final LongAdder refreshSuccesses = new LongAdder();
  final LongAdder refreshFailures = new LongAdder();
  final LongAdder staleRevalidates = new LongAdder();
  final LongAdder staleErrors = new LongAdder();
  final LongAdder unacknowledgedInvalidations = new LongAdder();

  /**
   * Counts a hit not made by the in-process lookup (a second look, a remote tier, a refresh's
   * value): a hit of the cache, and a null hit if {@code entry} is a cached absence.
   */
  void recordOtherHit(dev.cascade.cache.spi.TierEntry<?> entry) {
    recordOtherHits(1, entry.value() == null ? 1 : 0);
  }

  /**
   * Counts {@code hits} hits not made by the in-process lookup at once, {@code absences} of them
   * cached absences: {@link #recordOtherHit} for many entries.
   */
  void recordOtherHits(int hits, int absences) {
    if (hits > 0) {
      otherHits.add(hits);
    }
    if (absences > 0) {
      nullHits.add(absences);
    }
  }

  /** Counts one decode failure of a remote value. */
  void recordDecodeFailure() {
    decodeFailures.increment();
  }

  CacheStats snapshot(long evictions) {
    return new CacheStats(
        localHits.sum() + otherHits.sum(),
        misses.sum(),
        loadSuccesses.sum(),
        loadFailures.sum(),
        loadNanos.sum(),
        evictions,
        coalescedWaits.sum(),
        nullHits.sum(),
        decodeFailures.sum(),
        tierErrors.sum(),
        leaseWaits.sum(),
        invalidationsReceived.sum(),
        localFlushes.sum(),
        puts.sum(),
        refreshSuccesses.sum(),
        refreshFailures.sum(),
        staleRevalidates.sum(),
        staleErrors.sum(),
        unacknowledgedInvalidations.sum());
  }
}
