package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the metrics listener registers and reads beyond the counts the workload tests check: the
 * in-process tier's size and evictions from the inspector, a remote-only cache, one factory for
 * several caches, its arguments, and a registry that does not keep caches alive.
 */
class MeteringListenerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Meters meters = new Meters(registry);

  @Test
  void sizeAndEvictions_afterTheTiersMaintenance_readFromTheInspector() {
    // An executor that never runs Caffeine's maintenance: only localSizeExact() evicts.
    Cache<Integer, String> cache =
        Cache.<Integer, String>builder("c")
            .inMemory(m -> m.maximumSize(10).executor(task -> {}))
            .eventListener(CacheMetrics.listener(registry))
            .build();
    for (int key = 0; key < 20; key++) {
      cache.put(key, "v" + key);
    }

    assertThat(cache.inspect().localSizeExact()).isEqualTo(10);

    assertThat(meters.gauge(CacheMeterNames.SIZE, "cache", "c.l1")).isEqualTo(10);
    assertThat(meters.count(CacheMeterNames.EVICTIONS, "cache", "c.l1")).isEqualTo(10);
    assertThat(meters.count(CacheMeterNames.PUTS, "cache", "c.l1")).isEqualTo(20);
  }

  @Test
  void remoteOnlyCache_itsOneTierIsL1_countedFromEventsAndTimed() {
    Cache<String, String> cache =
        Cache.<String, String>builder("r")
            .tier(InMemoryRemoteStore.create())
            .valueCodec(StringCodec.create())
            .eventListener(CacheMetrics.listener(registry))
            .build();

    cache.put("a", "1");
    assertThat(cache.getIfPresent("a")).isEqualTo("1");
    assertThat(cache.getIfPresent("b")).isNull();

    assertThat(meters.count(CacheMeterNames.GETS, "cache", "r.l1", "result", "hit")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "r.l1", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.PUTS, "cache", "r.l1")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.TIER_LATENCY, "cache", "r.l1", "operation", "get")).isEqualTo(2);
    assertThat(meters.gauge(CacheMeterNames.CIRCUIT_STATE, "cache", "r.l1")).isZero();
    assertThat(registry.find(CacheMeterNames.SIZE).tags("cache", "r.l1").meter()).isNull();
  }

  @Test
  void oneFactory_manyCaches_eachCountedUnderItsOwnName() {
    CacheEventListener.Factory listener = CacheMetrics.listener(registry, "service", "shop");
    Cache<String, String> users =
        Cache.<String, String>builder("users").inMemory(m -> m.maximumSize(10)).eventListener(listener).build();
    Cache<String, String> orders =
        Cache.<String, String>builder("orders").inMemory(m -> m.maximumSize(10)).eventListener(listener).build();

    users.put("a", "1");
    orders.put("a", "1");
    orders.put("b", "2");

    assertThat(meters.count(CacheMeterNames.PUTS, "cache", "users.l1", "service", "shop")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.PUTS, "cache", "orders.l1", "service", "shop")).isEqualTo(2);
  }

  @Test
  void listener_badArguments_rejected() {
    assertThatThrownBy(() -> CacheMetrics.listener(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("registry");
    assertThatThrownBy(() -> CacheMetrics.listener(registry, (Tags) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("tags");
    assertThatThrownBy(() -> CacheMetrics.listener(registry, "service"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registry_holdsMeteredCacheWeakly_cacheCollected() {
    // A layered cache: function meters over the inspector, adders and timers all registered.
    WeakReference<Cache<String, String>> cache = meteredCacheNoOneHolds();
    WeakReference<CacheInspector> inspector = new WeakReference<>(cache.get().inspect());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return cache.get() == null && inspector.get() == null;
            });
    assertThat(registry.find(CacheMeterNames.GETS).tags("cache", "gone.l1").meters()).isNotEmpty();
  }

  private WeakReference<Cache<String, String>> meteredCacheNoOneHolds() {
    Cache<String, String> cache =
        CacheMetrics.monitor(
            Cache.<String, String>builder("gone")
                .inMemory(m -> m.maximumSize(10))
                .tier(InMemoryRemoteStore.create())
                .valueCodec(StringCodec.create())
                .eventListener(CacheMetrics.listener(registry))
                .build(),
            registry);
    cache.get("a", key -> "A");
    return new WeakReference<>(cache);
  }
}
