package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinderCompatibilityKit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer's own compatibility kit for cache binders, run on Cascade's binder over the embedded
 * default (one in-process tier), built with the metrics listener as documented.
 */
class CascadeCacheMetricsCompatibilityTest extends CacheMeterBinderCompatibilityKit<Cache<String, String>> {
  /** The kit's registry is its own; per-tier meters go here. */
  private final SimpleMeterRegistry tierRegistry = new SimpleMeterRegistry();

  @Override
  public Cache<String, String> createCache() {
    return Cache.<String, String>builder("mycache")
        .inMemory(m -> m.maximumSize(1_000))
        .eventListener(CacheMetrics.listener(tierRegistry))
        .build();
  }

  @Override
  public CacheMeterBinder<Cache<String, String>> binder() {
    return new CascadeCacheMetrics<>(cache, Tags.empty());
  }

  @Override
  public void put(String key, String value) {
    cache.put(key, value);
  }

  @Override
  public @Nullable String get(String key) {
    return cache.getIfPresent(key);
  }
}
