package dev.cascade.cache;

import java.util.List;

/**
 * A read-only, live look into one cache's parts, for metrics, health checks and tests: its tiers,
 * the exact counts of lookups in its in-process tier, its circuit breakers and its loads in flight.
 * Obtained from {@link Cache#inspect()}; it stays readable after the cache is closed. Every method
 * reads the state as of the call. Thread-safe.
 */
public interface CacheInspector {

  /** Exact counts of lookups in the in-process tier: each lookup counted once, as hit, miss or failure. */
  record LocalLookups(long hits, long misses, long failures) {}

  /** Returns the cache's name. */
  String cacheName();

  /** Returns the names of the cache's tiers, nearest first, such as {@code [l1, l2]}. */
  List<String> tierNames();

  /** Returns whether tier 0 is an in-process tier. */
  boolean hasLocalTier();

  /** Returns whether the cache has at least one remote tier. */
  boolean hasRemoteTier();

  /**
   * Returns the counts of lookups in the in-process tier (all zero without one). Every lookup of
   * the cache's own methods is counted, not the cache's internal second look after it registered a
   * load.
   */
  LocalLookups localLookups();

  /** Returns the approximate number of in-process entries, {@code 0} without an in-process tier. */
  long localSize();

  /**
   * Like {@link #localSize()}, after performing the in-process tier's pending maintenance
   * (evictions, expirations), so that the count is exact.
   */
  long localSizeExact();

  /** Returns the number of entries the in-process tier evicted for size or expiry. */
  long localEvictions();

  /**
   * Returns the state of tier {@code tier}'s circuit breaker; {@link CircuitState#CLOSED} for a tier
   * without one (the in-process tier).
   *
   * @throws IndexOutOfBoundsException if there is no such tier
   */
  CircuitState circuitState(int tier);

  /**
   * Returns how many times tier {@code tier}'s circuit breaker opened; {@code 0} for a tier without
   * one.
   *
   * @throws IndexOutOfBoundsException if there is no such tier
   */
  long circuitOpenings(int tier);

  /** Returns the number of loads in flight in this JVM; zero when the cache is idle. */
  int inFlightLoads();

  /** Returns whether the cache was closed. */
  boolean isClosed();
}
