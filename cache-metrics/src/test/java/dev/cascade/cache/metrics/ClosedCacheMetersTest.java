package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Closing a cache removes the meters cache-metrics registered for it, cache-level and per tier, and
 * only those: so that a cache built again under the same name (a configuration reload, a refreshed
 * cache manager, tests sharing a registry) is reported, and per-tenant caches do not leave meters
 * behind.
 */
class ClosedCacheMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Meters meters = new Meters(registry);
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();

  /** A layered cache with both halves of the metrics: the listener and {@code monitor}. */
  private Cache<String, String> metered(String name) {
    return CacheMetrics.monitor(
        Cache.<String, String>builder(name)
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .eventListener(CacheMetrics.listener(registry, "service", "shop"))
            .build(),
        registry,
        "service",
        "shop");
  }

  @Test
  void close_layeredCache_removesItsCacheLevelAndPerTierMeters() {
    Cache<String, String> users = metered("users");
    users.get("a", key -> "A");
    assertThat(registry.find(CacheMeterNames.GETS).tag("cache", "users").meters()).hasSize(2);
    assertThat(registry.find(CacheMeterNames.GETS).tag("cache", "users.l1").meters()).hasSize(2);
    assertThat(registry.find(CacheMeterNames.GETS).tag("cache", "users.l2").meters()).hasSize(2);

    users.close();

    assertThat(registry.find(CacheMeterNames.GETS).tag("cache", "users").meters()).isEmpty();
    assertThat(registry.find(CacheMeterNames.GETS).tag("cache", "users.l1").meters()).isEmpty();
    assertThat(registry.find(CacheMeterNames.GETS).tag("cache", "users.l2").meters()).isEmpty();
    assertThat(registry.find(CacheMeterNames.TIER_LATENCY).tag("cache", "users.l2").meters()).isEmpty();
    assertThat(registry.find(CacheMeterNames.SIZE).tag("cache", "users.l1").meters()).isEmpty();
    assertThat(registry.find(CacheMeterNames.LOAD).tag("cache", "users").meters()).isEmpty();
    assertThat(ids(registry.getMeters())).isEmpty();
  }

  @Test
  void close_thenSameNameBuiltAgain_newCacheIsReported() {
    Cache<String, String> first = metered("users");
    first.get("a", key -> "A");
    first.close();

    Cache<String, String> second = metered("users");
    second.get("x", key -> "X");
    second.get("x", key -> "X");

    // cache level: a load, then an L1 hit
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users", "result", "hit")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.LOAD, "cache", "users", "result", "success")).isEqualTo(1);
    // per tier: L1 missed then hit; L2 was asked once and missed
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users.l1", "result", "hit")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users.l1", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users.l2", "result", "hit")).isZero();
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users.l2", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.PUTS, "cache", "users.l2")).isEqualTo(1);
    assertThat(meters.gauge(CacheMeterNames.SIZE, "cache", "users.l1")).isEqualTo(1);
  }

  @Test
  void close_oneOfTwoCaches_removesOnlyItsOwnMeters() {
    Cache<String, String> users = metered("users");
    Cache<String, String> orders = metered("orders");
    List<Meter.Id> ordersMeters =
        registry.getMeters().stream()
            .map(Meter::getId)
            .filter(id -> String.valueOf(id.getTag("cache")).startsWith("orders"))
            .toList();

    users.close();
    orders.get("o", key -> "O");

    assertThat(ids(registry.getMeters())).containsExactlyInAnyOrderElementsOf(ordersMeters);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "orders", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "orders.l2", "result", "miss")).isEqualTo(1);
  }

  @Test
  void close_ofASecondLiveCacheUnderATakenName_leavesTheFirstCachesMeters() {
    Cache<String, String> first = metered("users");
    List<Meter.Id> firstsMeters = ids(registry.getMeters());
    Cache<String, String> second =
        Cache.<String, String>builder("users")
            .inMemory(m -> m.maximumSize(100))
            .eventListener(CacheMetrics.listener(registry, "service", "shop"))
            .build();
    CacheMetrics.monitor(second, registry, "service", "shop");

    second.close();
    first.get("a", key -> "A");

    assertThat(ids(registry.getMeters())).containsExactlyInAnyOrderElementsOf(firstsMeters);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users.l1", "result", "miss")).isEqualTo(1);
  }

  @Test
  void close_monitoredWithoutTheListener_itsMetersGiveWayToTheNextCacheBound() {
    Cache<String, String> first =
        CacheMetrics.monitor(Cache.<String, String>builder("users").inMemory(m -> m.maximumSize(100)).build(), registry);
    first.get("a", key -> "A");
    first.close();

    Cache<String, String> second =
        CacheMetrics.monitor(Cache.<String, String>builder("users").inMemory(m -> m.maximumSize(100)).build(), registry);
    second.get("x", key -> "X");
    second.get("x", key -> "X");

    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users", "result", "hit")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users", "result", "miss")).isEqualTo(1);
    assertThat(meters.gauge(CacheMeterNames.SIZE, "cache", "users")).isEqualTo(1);
  }

  @Test
  void monitor_ofAClosedCache_leavesNoMeters() {
    Cache<String, String> users = Cache.<String, String>builder("users").inMemory(m -> m.maximumSize(100)).build();
    users.close();

    CacheMetrics.monitor(users, registry);

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void collectedWithoutClose_itsMetersGoWhenTheNextCacheIsBound() {
    WeakReference<Cache<String, String>> dropped = meteredCacheNoOneHolds("users");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return dropped.get() == null;
            });

    Cache<String, String> users = metered("users");
    users.get("x", key -> "X");

    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users.l1", "result", "miss")).isEqualTo(1);
    assertThat(meters.count(CacheMeterNames.GETS, "cache", "users.l2", "result", "miss")).isEqualTo(1);
  }

  private WeakReference<Cache<String, String>> meteredCacheNoOneHolds(String name) {
    Cache<String, String> cache =
        CacheMetrics.monitor(
            Cache.<String, String>builder(name)
                .inMemory(m -> m.maximumSize(100))
                .tier(InMemoryRemoteStore.create())
                .valueCodec(StringCodec.create())
                .eventListener(CacheMetrics.listener(registry, "service", "shop"))
                .build(),
            registry,
            "service",
            "shop");
    cache.get("a", key -> "A");
    cache.get("a", key -> "A");
    return new WeakReference<>(cache);
  }

  private static List<Meter.Id> ids(List<Meter> meters) {
    return meters.stream().map(Meter::getId).toList();
  }
}
