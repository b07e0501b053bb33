package dev.cascade.cache.spring;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;

/**
 * Customizes each cache a {@link CascadeCacheManager} builds, beyond what {@link CascadeCacheSpec}
 * covers: event listeners (metrics), early refresh, stale serving, executors, circuit breaker.
 * {@link #customize} runs after the manager applied the cache's spec to the builder, so options the
 * spec set (tiers, TTL, null TTL, codec, stampede, invalidation) must not be set again: Cascade's
 * builder throws {@link IllegalStateException} on a second set. {@link #created} runs once the cache
 * is built, before Spring sees it (to bind cache-level meters, for instance).
 *
 * <p>Called once per cache, on the thread that creates the cache; implementations used by one
 * manager from several threads (unknown caches created on demand) must be thread-safe.
 */
@FunctionalInterface
public interface CascadeCacheCustomizer {

  /** Adjusts the builder of the cache named {@code cacheName} before it is built. */
  void customize(String cacheName, CacheBuilder<Object, Object> builder);

  /** Called with each cache once it is built; does nothing by default. */
  default void created(Cache<Object, Object> cache) {}
}
