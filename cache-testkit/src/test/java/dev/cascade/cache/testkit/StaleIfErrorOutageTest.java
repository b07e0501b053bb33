package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Stale-if-error when the database and the remote tier are down together: the in-process copy is
 * the old value then, unless the cache may have missed an invalidation of it.
 */
class StaleIfErrorOutageTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));

  private static String databaseDown(String key) {
    throw new IllegalStateException("database down for " + key);
  }

  @Test
  void remoteTierAndLoaderDown_inProcessCopyServedStale_andCounted() {
    Cache<String, String> cache =
        Cache.<String, String>builder("outage")
            .inMemory(m -> m.maximumSize(100).ttl(Duration.ofMinutes(5)))
            .tier(store)
            .valueCodec(StringCodec.create())
            .ttl(Duration.ofSeconds(1))
            .staleIfError(Duration.ofMinutes(1))
            .ticker(ticker)
            .build();
    cache.get("k", key -> "old");
    ticker.advance(Duration.ofSeconds(30));
    store.down(true);

    assertThat(cache.get("k", StaleIfErrorOutageTest::databaseDown)).isEqualTo("old");
    assertThat(cache.stats().staleErrorCount()).isEqualTo(1);
    assertThat(cache.stats().tierErrorCount()).isPositive();
    cache.close();
  }

  @Test
  void invalidationChannelLost_inProcessCopyNotServedStale() {
    InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
    Cache<String, String> cache =
        Cache.<String, String>builder("outage-channel")
            .inMemory(m -> m.maximumSize(100).ttl(Duration.ofMinutes(5)))
            .tier(store)
            .valueCodec(StringCodec.create())
            .invalidation(bus.newChannel())
            .ttl(Duration.ofSeconds(1))
            .staleIfError(Duration.ofMinutes(1))
            .ticker(ticker)
            .build();
    cache.get("k", key -> "old");
    ticker.advance(Duration.ofSeconds(30));
    store.down(true);
    bus.signalLoss(); // another instance's invalidation of k may be among what was lost

    assertThatThrownBy(() -> cache.get("k", StaleIfErrorOutageTest::databaseDown))
        .hasMessageContaining("database down for k");
    assertThat(cache.stats().staleErrorCount()).isZero();
    cache.close();
  }
}
