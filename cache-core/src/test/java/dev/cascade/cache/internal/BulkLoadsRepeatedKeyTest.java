package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code getAll} of a request that names a key twice counts one lookup of that key, whatever the
 * in-process tier holds for it: a value, a cached absence, or nothing.
 */
class BulkLoadsRepeatedKeyTest {
  private final Cache<String, String> cache =
      Cache.<String, String>builder("repeated")
          .inMemory(m -> m.maximumSize(100))
          .nullTtl(Duration.ofMinutes(1))
          .build();
  private final AtomicInteger bulkLoads = new AtomicInteger();
  private final Function<Set<String>, Map<String, String>> bulkLoader =
      keys -> {
        bulkLoads.incrementAndGet();
        return Map.of();
      };

  @AfterEach
  void close() {
    cache.close();
  }

  @Test
  void getAll_keyHoldingACachedNullAskedTwice_countsOneNullHit() {
    cache.get("a", key -> null); // caches the absence
    CacheStats before = cache.stats();

    assertThat(cache.getAll(List.of("a", "a"))).isEmpty();

    CacheStats after = cache.stats();
    assertThat(after.hitCount() - before.hitCount()).isEqualTo(1);
    assertThat(after.nullHitCount() - before.nullHitCount()).isEqualTo(1);
    assertThat(after.missCount() - before.missCount()).isZero();
  }

  @Test
  void getAllWithLoader_keyHoldingACachedNullAskedTwice_countsOneNullHitAndLoadsNothing() {
    cache.get("a", key -> null);
    CacheStats before = cache.stats();

    assertThat(cache.getAll(List.of("a", "a"), bulkLoader)).isEmpty();

    CacheStats after = cache.stats();
    assertThat(after.hitCount() - before.hitCount()).isEqualTo(1);
    assertThat(after.nullHitCount() - before.nullHitCount()).isEqualTo(1);
    assertThat(after.missCount() - before.missCount()).isZero();
    assertThat(bulkLoads.get()).isZero();
  }

  /** The counts a cached null must match: a key holding a value, asked twice, is one hit. */
  @Test
  void getAll_keyHoldingAValueAskedTwice_countsOneHit() {
    cache.put("a", "value");
    CacheStats before = cache.stats();

    assertThat(cache.getAll(List.of("a", "a"))).containsExactly(Map.entry("a", "value"));

    CacheStats after = cache.stats();
    assertThat(after.hitCount() - before.hitCount()).isEqualTo(1);
    assertThat(after.nullHitCount() - before.nullHitCount()).isZero();
  }

  @Test
  void getAllWithLoader_missingKeyAskedTwice_countsOneMissAndLoadsItOnce() {
    CacheStats before = cache.stats();

    assertThat(cache.getAll(List.of("b", "b"), bulkLoader)).isEmpty();

    CacheStats after = cache.stats();
    assertThat(after.missCount() - before.missCount()).isEqualTo(1);
    assertThat(after.hitCount() - before.hitCount()).isZero();
    assertThat(bulkLoads.get()).isEqualTo(1);
  }
}
