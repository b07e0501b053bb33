package dev.cascade.cache;

/**
 * A snapshot of a cache's statistics. Every lookup ({@code getIfPresent}, {@code lookup}, each key
 * of {@code getAll}, each {@code get}) counts exactly one hit or one miss, whichever tier answered.
 * A caller that waited for another caller's load counts a miss and a coalesced wait. Immutable.
 *
 * @param hitCount lookups answered by some tier (cached absences included)
 * @param missCount lookups no tier could answer
 * @param loadSuccessCount loader calls that returned a value (a bulk loader call counts once)
 * @param loadFailureCount loader calls that threw, failed, or returned an uncacheable {@code null}
 * @param totalLoadTimeNanos time spent in loaders, successful or not, by the cache's ticker
 * @param evictionCount entries the in-process tier evicted for size or expiry (an entry with a
 *     per-entry TTL in a cache without a default TTL is dropped when read after its expiry, and
 *     not counted here)
 * @param coalescedWaitCount callers that waited for a load another caller ran (single-flight)
 * @param nullHitCount hits on a cached absence
 * @param decodeFailureCount remote values that could not be decoded (counted as misses, deleted)
 * @param tierErrorCount remote operations of reads and loads (reads, fills, publishes, leases)
 *     that failed, timed out or were refused by an open circuit breaker; reads treat them as misses
 * @param leaseWaitCount callers that lost the distributed lease and waited for its holder
 * @param invalidationsReceivedCount invalidations applied that other instances sent
 * @param localFlushCount times the whole in-process tier was dropped because invalidations may have
 *     been lost (channel reconnect, sequence gap, silent peer, server flush, store recovery)
 * @param putCount entries written by {@code put} and {@code putAll} (loads not included)
 * @param refreshSuccessCount background refreshes (early refresh, stale-while-revalidate) that put
 *     a newer value in place, by loading it or by finding one another instance stored
 * @param refreshFailureCount background refreshes whose loader failed, or whose result an
 *     invalidation made void; the old value stays until its own expiry
 * @param staleRevalidateCount hits answered with a logically expired value while it was refreshed
 *     in the background (stale-while-revalidate); included in {@code hitCount}
 * @param staleErrorCount calls answered with a logically expired value because the loader failed
 *     (stale-if-error); their lookups count as misses, their loads as failures
 * @param unacknowledgedInvalidationCount invalidations this cache sent that some other instance did
 *     not confirm within the channel's acknowledgement timeout
 */
public record CacheStats(
    long hitCount,
    long missCount,
    long loadSuccessCount,
    long loadFailureCount,
    long totalLoadTimeNanos,
    long evictionCount,
    long coalescedWaitCount,
    long nullHitCount,
    long decodeFailureCount,
    long tierErrorCount,
    long leaseWaitCount,
    long invalidationsReceivedCount,
    long localFlushCount,
    long putCount,
    long refreshSuccessCount,
    long refreshFailureCount,
    long staleRevalidateCount,
    long staleErrorCount,
    long unacknowledgedInvalidationCount) {

  /** Returns {@code hitCount + missCount}. */
  public long requestCount() {
    return hitCount + missCount;
  }

  /** Returns the share of lookups that hit, {@code 1.0} when there were none. */
  public double hitRate() {
    long requests = requestCount();
    return requests == 0 ? 1.0 : (double) hitCount / requests;
  }

  /** Returns the share of lookups that missed, {@code 0.0} when there were none. */
  public double missRate() {
    long requests = requestCount();
    return requests == 0 ? 0.0 : (double) missCount / requests;
  }

  /** Returns the number of loader calls. */
  public long loadCount() {
    return loadSuccessCount + loadFailureCount;
  }

  /** Returns the mean time of a loader call in nanoseconds, {@code 0.0} when none ran. */
  public double averageLoadPenaltyNanos() {
    long loads = loadCount();
    return loads == 0 ? 0.0 : (double) totalLoadTimeNanos / loads;
  }
}
