package dev.cascade.cache;

import org.jspecify.annotations.Nullable;

/**
 * Receives a cache's per-tier events as they happen: how metrics, tracing or logging observe a
 * cache without wrapping it (as Caffeine's {@code StatsCounter} or OkHttp's {@code EventListener}).
 * A tier is named by its index in {@link CacheInspector#tierNames()}, nearest first. Every method
 * has an empty default; implement the ones you need.
 *
 * <p>Lookups in the in-process tier are not reported one by one: the cache counts them exactly
 * itself, and {@link CacheInspector#localLookups()} reads those counts at any time. This keeps an
 * in-process hit as fast with a listener as without one. Every other tier operation is reported.
 *
 * <p>Methods are called on the thread that performed the operation (a caller's, an executor's or a
 * client library's I/O thread), concurrently: implementations must be thread-safe, fast and must
 * not block or throw (an exception is caught and dropped, so that observation never breaks a
 * cache). Given to the builder through {@link CacheBuilder#eventListener}.
 */
public interface CacheEventListener {

  /**
   * Creates the listener of one cache when the cache is built. Thread-safe; one factory may serve
   * any number of caches.
   */
  @FunctionalInterface
  interface Factory {

    /**
     * Returns the listener of the cache that {@code cache} inspects. Called once, while the cache is
     * built and before any of its operations; {@code cache} answers every method from then on.
     */
    CacheEventListener create(CacheInspector cache);
  }

  /**
   * Lookups in remote tier {@code tier} completed: {@code hits} keys found, {@code misses} not (one
   * of them for a single get, the counts of a {@code getAll} otherwise). Not called for the
   * in-process tier (see the class description) nor for a failed lookup.
   */
  default void tierLookups(int tier, int hits, int misses) {}

  /** {@code entries} entries were stored in tier {@code tier} (filled, loaded or put). */
  default void tierStored(int tier, int entries) {}

  /**
   * Tier {@code tier} applied an invalidation of {@code scope}: {@code count} keys for {@link
   * InvalidationScope#KEY}, one otherwise. In-process invalidations sent by other instances are
   * reported too.
   */
  default void tierInvalidated(int tier, InvalidationScope scope, int count) {}

  /**
   * An operation on remote tier {@code tier} ended after {@code nanos} (by the cache's ticker),
   * with {@code failure} or, when it succeeded, {@code null}. Reported for every remote call, and
   * for a failed in-process write or invalidation (with {@code nanos} 0).
   */
  default void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {}

  /** The circuit breaker of remote tier {@code tier} changed to {@code state}. */
  default void circuitChanged(int tier, CircuitState state) {}

  /**
   * The whole in-process tier was dropped because invalidations may have been lost (channel gap or
   * reconnect, silent peer, server flush, store recovery).
   */
  default void localFlushed() {}

  /** A loader (or bulk loader) call ended after {@code nanos}, successfully or not. */
  default void loaded(boolean success, long nanos) {}

  /**
   * The cache was closed: called once, by the first {@link Cache#close()} (of however many threads
   * close it), after the cache stopped serving, so that {@link CacheInspector#isClosed()} is true and
   * every later call on the cache's entries throws. The place to release what the listener holds
   * for the cache, such as the meters it registered. Operations already running when the cache was
   * closed (a load, a remote call) may still report events afterwards.
   */
  default void closed() {}
}
