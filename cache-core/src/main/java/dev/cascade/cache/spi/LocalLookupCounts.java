package dev.cascade.cache.spi;

/**
 * A cache's own exact counts of its lookups in its in-process tier ({@link
 * LocalTier#getValueIfPresent} calls), handed to the tier by {@link LocalTier#lookupsCountedBy}. The
 * counts only grow. Thread-safe: any method may be called at any time from any thread; each reads
 * the count as of the call.
 */
public interface LocalLookupCounts {

  /** Returns the number of lookups that returned an entry. */
  long hits();

  /** Returns the number of lookups that returned {@code null}. */
  long misses();

  /** Returns the number of lookups that threw. */
  long failures();
}
