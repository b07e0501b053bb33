package dev.cascade.cache.metrics;

import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;

/**
 * The decorator behind {@link CacheMetrics#decorator}: wraps each tier in a metered one whose meters
 * are registered at once. Immutable and thread-safe; one instance may decorate any number of caches.
 */
final class MeteringDecorator implements TierDecorator {
  private final MeterRegistry registry;
  private final Tags tags;

  MeteringDecorator(MeterRegistry registry, Iterable<Tag> tags) {
    this.registry = registry;
    this.tags = Tags.of(tags);
  }

  @Override
  public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
    return new MeteredTier<>(registry, tags, cacheName, tier);
  }

  @Override
  public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
    return new MeteredLocalTier<>(registry, tags, cacheName, tier);
  }

  @Override
  public String toString() {
    return "CacheMetrics.decorator" + tags;
  }
}
