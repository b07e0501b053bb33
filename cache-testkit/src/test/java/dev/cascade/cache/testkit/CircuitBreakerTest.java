package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Reads fail open, the breaker keeps calls away from a dead store, and recovery flushes L1. */
class CircuitBreakerTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore backing = InMemoryRemoteStore.create(ticker);
  private final FlakyRemoteStore store = new FlakyRemoteStore(backing);
  private final Cache<String, String> cache =
      Cache.<String, String>builder("breaker")
          .inMemory(m -> m.maximumSize(100))
          .tier(store)
          .valueCodec(StringCodec.create())
          .ticker(ticker)
          .circuitBreaker(3, Duration.ofSeconds(5))
          .build();

  @Test
  void deadStore_readsFallBackToLoader_andBreakerStopsCallingIt() {
    store.down(true);
    AtomicInteger loads = new AtomicInteger();

    for (int i = 0; i < 10; i++) {
      assertThat(cache.get("k" + i, key -> "loaded-" + loads.incrementAndGet())).startsWith("loaded-");
    }

    assertThat(loads).hasValue(10);
    assertThat(store.calls()).isEqualTo(3); // three failed reads opened the breaker; then no call
    assertThat(cache.stats().tierErrorCount()).isEqualTo(10);
  }

  @Test
  void writesToADeadStore_areReported_andDropTheLocalCopy() {
    cache.put("k", "old");
    store.down(true);

    assertThatThrownBy(() -> cache.put("k", "new"))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("put of key k failed on tier 'l2'");
    assertThat(cache.getIfPresent("k")).isNull(); // neither the new nor the stale old value
  }

  @Test
  void storeComesBack_probeClosesBreaker_andLocalTierIsFlushed() {
    cache.put("k", "v1");
    store.down(true);
    for (int i = 0; i < 3; i++) {
      cache.get("miss" + i, key -> "x");
    }
    // While L2 is unreachable another instance changes k there.
    backing.clear();

    store.down(false);
    ticker.advance(Duration.ofSeconds(6));
    assertThat(cache.get("probe", key -> "p")).isEqualTo("p"); // the probe succeeds

    assertThat(cache.getIfPresent("k")).isNull(); // the L1 copy that may have missed an invalidation is gone
  }
}
