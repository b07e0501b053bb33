package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code getAll} without a loader on a cache whose only tier is remote, the path that reads the tier
 * by position instead of through maps: what it answers and what it counts.
 */
class RemoteOnlyBulkReadTest {
  private final FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create());
  private final Cache<String, String> cache =
      Cache.<String, String>builder("bulk")
          .tier(store)
          .valueCodec(StringCodec.create())
          .nullTtl(Duration.ofMinutes(1))
          .build();

  @AfterEach
  void close() {
    cache.close();
  }

  @Test
  void repeatedKeys_cachedAbsences_andMisses_areAnsweredAndCountedOnce() {
    cache.put("a", "1");
    cache.put("b", "2");
    assertThat(cache.get("gone", key -> null)).isNull(); // a miss and a load: caches the absence
    CacheStats before = cache.stats();

    Map<String, String> found = cache.getAll(List.of("b", "gone", "a", "z", "a", "b"));

    assertThat(found).containsExactly(Map.entry("b", "2"), Map.entry("a", "1")); // in the order asked
    CacheStats after = cache.stats();
    assertThat(after.hitCount() - before.hitCount()).isEqualTo(3); // b, gone (an absence), a
    assertThat(after.nullHitCount() - before.nullHitCount()).isEqualTo(1);
    assertThat(after.missCount() - before.missCount()).isEqualTo(1); // z
    assertThat(after.tierErrorCount()).isEqualTo(before.tierErrorCount());
  }

  @Test
  void anEntryPastItsExpiry_isAMiss_andIsDeletedFromTheStore() {
    FakeTicker ticker = new FakeTicker();
    InMemoryRemoteStore backing = InMemoryRemoteStore.create(); // keeps what the envelope says expired
    try (Cache<String, String> timed =
        Cache.<String, String>builder("bulk-ttl").tier(backing).valueCodec(StringCodec.create()).ticker(ticker).build()) {
      timed.put("short", "1", Duration.ofSeconds(10));
      timed.put("long", "2", Duration.ofHours(1));
      ticker.advance(Duration.ofSeconds(20));

      assertThat(timed.getAll(List.of("short", "long"))).isEqualTo(Map.of("long", "2"));

      assertThat(timed.stats().missCount()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> backing.getNow("cascade:bulk-ttl:short") == null);
      assertThat(backing.getNow("cascade:bulk-ttl:long")).isNotNull();
    }
  }

  @Test
  void aFailedStore_readsAsMissesAndCountsOneTierError() {
    cache.put("a", "1");
    CacheStats before = cache.stats();
    store.down(true);

    assertThat(cache.getAll(List.of("a", "b"))).isEmpty();

    CacheStats after = cache.stats();
    assertThat(after.tierErrorCount() - before.tierErrorCount()).isEqualTo(1);
    assertThat(after.missCount() - before.missCount()).isEqualTo(2);
    assertThat(after.hitCount()).isEqualTo(before.hitCount());
    store.down(false);
    assertThat(cache.getAll(List.of("a", "b"))).isEqualTo(Map.of("a", "1")); // nothing was lost
  }
}
