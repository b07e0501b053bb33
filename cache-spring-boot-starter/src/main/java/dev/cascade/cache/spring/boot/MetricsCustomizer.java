package dev.cascade.cache.spring.boot;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.metrics.CacheMetrics;
import dev.cascade.cache.spring.CascadeCacheCustomizer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Binds every cache's meters to one registry: the per-tier listener while the cache is built, the
 * cache-level meters once it is. Immutable and thread-safe.
 */
final class MetricsCustomizer implements CascadeCacheCustomizer {
  private final MeterRegistry registry;

  MetricsCustomizer(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void customize(String cacheName, CacheBuilder<Object, Object> builder) {
    builder.eventListener(CacheMetrics.listener(registry));
  }

  @Override
  public void created(Cache<Object, Object> cache) {
    CacheMetrics.monitor(cache, registry);
  }
}
