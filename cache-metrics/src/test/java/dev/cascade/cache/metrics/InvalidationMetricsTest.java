package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Invalidations between instances: what one instance sends, the other counts as received and its
 * in-process tier counts as an invalidation; a lost message flushes the in-process tier.
 */
class InvalidationMetricsTest {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
  private final SimpleMeterRegistry registryA = new SimpleMeterRegistry();
  private final SimpleMeterRegistry registryB = new SimpleMeterRegistry();

  private Cache<String, String> instance(SimpleMeterRegistry registry) {
    return CacheMetrics.monitor(
        Cache.<String, String>builder("users")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .invalidation(bus.newChannel())
            .eventListener(CacheMetrics.listener(registry))
            .build(),
        registry);
  }

  @Test
  void invalidationFromOtherInstance_countedAsReceived_andLossFlushCounted() {
    Cache<String, String> a = instance(registryA);
    Cache<String, String> b = instance(registryB);
    a.put("k", "v1");
    assertThat(b.getIfPresent("k")).isEqualTo("v1"); // now in B's L1
    Meters metersB = new Meters(registryB);
    long keyInvalidationsBefore = metersB.count("cache.invalidations", "cache", "users.l1", "scope", "key");
    long receivedBefore = metersB.count("cache.invalidations.received", "cache", "users");

    a.invalidate("k");

    assertThat(b.getIfPresent("k")).isNull();
    assertThat(metersB.count("cache.invalidations.received", "cache", "users")).isEqualTo(receivedBefore + 1);
    assertThat(metersB.count("cache.invalidations", "cache", "users.l1", "scope", "key"))
        .isEqualTo(keyInvalidationsBefore + 1);

    bus.signalLoss();

    for (Meters meters : List.of(new Meters(registryA), metersB)) {
      assertThat(meters.count("cache.l1.flushes", "cache", "users")).isEqualTo(1);
      assertThat(meters.count("cache.invalidations", "cache", "users.l1", "scope", "all")).isEqualTo(1);
    }
  }
}
