package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinderCompatibilityKit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer's compatibility kit on a layered cache (in-process tier over the in-memory remote
 * store): {@code cache.size} is unknown there, {@code cache.puts} comes from the farthest tier.
 */
class LayeredCacheMetricsCompatibilityTest extends CacheMeterBinderCompatibilityKit<Cache<String, String>> {
  private final SimpleMeterRegistry tierRegistry = new SimpleMeterRegistry();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();

  @Override
  public Cache<String, String> createCache() {
    return Cache.<String, String>builder("mycache")
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
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
