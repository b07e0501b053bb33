package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.internal.TieredCache;
import dev.cascade.cache.spi.LocalTier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** What the metered in-process tier forwards beyond lookups and writes. */
class MeteredLocalTierTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void cleanUp_runsTheWrappedTiersMaintenance() {
    // An executor that never runs Caffeine's maintenance: only cleanUp() evicts.
    Cache<Integer, String> cache =
        Cache.<Integer, String>builder("c")
            .inMemory(m -> m.maximumSize(10).executor(task -> {}))
            .decorateTiers(CacheMetrics.decorator(registry))
            .build();
    for (int key = 0; key < 20; key++) {
      cache.put(key, "v" + key);
    }
    LocalTier<Integer, String> local = ((TieredCache<Integer, String>) cache).localTier();

    local.cleanUp();

    assertThat(local.estimatedSize()).isEqualTo(10);
    assertThat(new Meters(registry).gauge(CacheMeterNames.SIZE, "cache", "c.l1")).isEqualTo(10);
  }
}
