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

  @Test
  void getValueIfPresent_reachingTheMeteredTier_isCountedAsALookup() {
    Cache<Integer, String> cache =
        Cache.<Integer, String>builder("c")
            .inMemory(m -> m.maximumSize(10))
            .decorateTiers(CacheMetrics.decorator(registry))
            .build();
    cache.put(1, "one");
    LocalTier<Integer, String> local = ((TieredCache<Integer, String>) cache).localTier();

    assertThat(local.getValueIfPresent(1)).isEqualTo("one");
    assertThat(local.getValueIfPresent(2)).isNull();

    Meters meters = new Meters(registry);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "c.l1", "result", "hit")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "c.l1", "result", "miss")).isEqualTo(1);
  }
}
