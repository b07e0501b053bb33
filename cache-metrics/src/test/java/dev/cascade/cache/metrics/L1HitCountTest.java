package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The in-process tier's hit meter reads the cache's own hit count when the metered tier is the one
 * the cache calls, and counts by itself when another decorator wraps it: exact either way, and never
 * counted twice.
 */
class L1HitCountTest {
  private static final int KEYS = 10;

  private final SimpleMeterRegistry outer = new SimpleMeterRegistry();
  private final SimpleMeterRegistry inner = new SimpleMeterRegistry();

  private static CacheBuilder<Integer, String> builder() {
    return Cache.<Integer, String>builder("c").inMemory(m -> m.maximumSize(100));
  }

  /** 7 blocking hits, 3 misses, 4 asynchronous hits, 2 hits through get(key, loader). */
  private static void script(Cache<Integer, String> cache) {
    for (int key = 0; key < KEYS; key++) {
      cache.put(key, "v" + key);
    }
    for (int key = 0; key < 7; key++) {
      assertThat(cache.getIfPresent(key)).isEqualTo("v" + key);
    }
    for (int key = 100; key < 103; key++) {
      assertThat(cache.getIfPresent(key)).isNull();
    }
    for (int key = 0; key < 4; key++) {
      assertThat(cache.async().getIfPresent(key).join()).isEqualTo("v" + key);
    }
    assertThat(cache.get(8, key -> "loaded")).isEqualTo("v8");
    assertThat(cache.async().get(9, key -> CompletableFuture.completedFuture("loaded")).join())
        .isEqualTo("v9");
  }

  private static long count(SimpleMeterRegistry registry, String result) {
    return new Meters(registry).count(CacheMeterNames.GETS, "cache", "c.l1", "result", result);
  }

  @Test
  void meteredTierCalledByTheCache_reportsTheCachesOwnHitCount() {
    Cache<Integer, String> cache = builder().decorateTiers(CacheMetrics.decorator(outer)).build();

    script(cache);

    assertThat(count(outer, "hit")).isEqualTo(13);
    assertThat(count(outer, "miss")).isEqualTo(3);
    assertThat(cache.stats().hitCount()).isEqualTo(13);
  }

  @Test
  void meteredTierWrappedByAnotherDecorator_countsItsHitsItself() {
    // The first decorator wraps the tier, the second wraps the first: the cache binds its hit count
    // to the outer one only, so the inner one must go on counting its own hits.
    Cache<Integer, String> cache =
        builder()
            .decorateTiers(CacheMetrics.decorator(inner))
            .decorateTiers(CacheMetrics.decorator(outer))
            .build();

    script(cache);

    assertThat(count(inner, "hit")).isEqualTo(13);
    assertThat(count(outer, "hit")).isEqualTo(13);
    assertThat(count(inner, "miss")).isEqualTo(3);
    assertThat(count(outer, "miss")).isEqualTo(3);
  }
}
