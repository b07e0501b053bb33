package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import dev.cascade.cache.spi.TierEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The in-process tier's lookup meters report the cache's own exact lookup counts, which the cache
 * keeps whether or not it is metered: exact with one listener, with two listeners on two registries,
 * and with a user's tier decorator around the in-process tier, and never counted twice.
 */
class L1HitCountTest {
  private static final int KEYS = 10;

  private final SimpleMeterRegistry first = new SimpleMeterRegistry();
  private final SimpleMeterRegistry second = new SimpleMeterRegistry();

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
  void listener_countsTheCachesOwnLookups() {
    Cache<Integer, String> cache = builder().eventListener(CacheMetrics.listener(first)).build();

    script(cache);

    assertThat(count(first, "hit")).isEqualTo(13);
    assertThat(count(first, "miss")).isEqualTo(3);
    assertThat(cache.stats().hitCount()).isEqualTo(13);
  }

  @Test
  void twoListenersOnTwoRegistries_bothCountExactly() {
    Cache<Integer, String> cache =
        builder()
            .eventListener(CacheMetrics.listener(first))
            .eventListener(CacheMetrics.listener(second))
            .build();

    script(cache);

    for (SimpleMeterRegistry registry : List.of(first, second)) {
      assertThat(count(registry, "hit")).isEqualTo(13);
      assertThat(count(registry, "miss")).isEqualTo(3);
      assertThat(new Meters(registry).count(CacheMeterNames.PUTS, "cache", "c.l1")).isEqualTo(KEYS);
    }
    assertThat(cache.stats().hitCount()).isEqualTo(13);
  }

  @Test
  void listenerWithAUserTierDecorator_countsExactly() {
    ForwardingDecorator decorator = new ForwardingDecorator();
    Cache<Integer, String> cache =
        builder().decorateTiers(decorator).eventListener(CacheMetrics.listener(first)).build();

    script(cache);

    assertThat(decorator.lookups).hasValue(16); // every lookup went through the decorator
    assertThat(count(first, "hit")).isEqualTo(13);
    assertThat(count(first, "miss")).isEqualTo(3);
    assertThat(new Meters(first).count(CacheMeterNames.PUTS, "cache", "c.l1")).isEqualTo(KEYS);
    assertThat(cache.stats().hitCount()).isEqualTo(13);
  }

  /** Wraps in-process tiers in a tier that forwards every call, as a user's tracing decorator would. */
  private static final class ForwardingDecorator implements TierDecorator {
    final AtomicLong lookups = new AtomicLong();

    @Override
    public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
      return tier;
    }

    @Override
    public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
      return new ForwardingLocalTier<>(tier, lookups);
    }
  }

  private record ForwardingLocalTier<K, V>(LocalTier<K, V> delegate, AtomicLong lookups)
      implements LocalTier<K, V> {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public @Nullable TierEntry<V> getIfPresent(K key) {
      lookups.incrementAndGet();
      return delegate.getIfPresent(key);
    }

    @Override
    public @Nullable TierEntry<V> peek(K key) {
      return delegate.peek(key);
    }

    @Override
    public void putLocal(K key, TierEntry<V> entry) {
      delegate.putLocal(key, entry);
    }

    @Override
    public boolean putLocalIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent) {
      return delegate.putLocalIf(key, entry, stillCurrent);
    }

    @Override
    public void invalidateLocal(K key) {
      delegate.invalidateLocal(key);
    }

    @Override
    public void invalidateAllLocal() {
      delegate.invalidateAllLocal();
    }

    @Override
    public void invalidateTagLocal(String tag) {
      delegate.invalidateTagLocal(tag);
    }

    @Override
    public void invalidateAliasLocal(String alias) {
      delegate.invalidateAliasLocal(alias);
    }

    @Override
    public long estimatedSize() {
      return delegate.estimatedSize();
    }

    @Override
    public long evictionCount() {
      return delegate.evictionCount();
    }
  }
}
