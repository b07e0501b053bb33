package dev.cascade.cache.internal;

import dev.cascade.cache.CacheStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache's counters. Hits, the hottest, use a {@link HitCounter} (a single-writer slot per
 * thread); the others are {@link LongAdder}s so that concurrent updates on different cores do not
 * contend. A snapshot is not atomic across counters.
 */
public final class StatsCounter {
  final HitCounter hits = new HitCounter();
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
  final LongAdder puts = new LongAdder();
  final LongAdder localFlushes = new LongAdder();

  /** Counts one decode failure of a remote value. */
  public void recordDecodeFailure() {
    decodeFailures.increment();
  }

  CacheStats snapshot(long evictions) {
    return new CacheStats(
        hits.sum(),
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
        puts.sum());
  }
}
