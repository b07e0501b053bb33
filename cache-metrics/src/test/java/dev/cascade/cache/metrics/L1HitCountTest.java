package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierDecorator;
import dev.cascade.cache.spi.TierEntry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The in-process tier's lookup meters report the cache's own lookup counts when the cache lets the
 * metered tier step aside ({@code LocalTier.lookupsCountedBy}), and count by themselves when a
 * decorator that does not step aside wraps the metered tier: exact either way, and never counted
 * twice.
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
  void meteredTier_reportsTheCachesOwnLookupCounts() {
    Cache<Integer, String> cache = builder().decorateTiers(CacheMetrics.decorator(outer)).build();

    script(cache);

    assertThat(count(outer, "hit")).isEqualTo(13);
    assertThat(count(outer, "miss")).isEqualTo(3);
    assertThat(cache.stats().hitCount()).isEqualTo(13);
  }

  @Test
  void twoMeteredTiers_bothReportTheCachesCounts() {
    // The first decorator wraps the tier, the second wraps the first; both step aside.
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

  @Test
  void meteredTierWrappedByADecoratorThatDoesNotStepAside_countsItsLookupsItself() {
    Cache<Integer, String> cache =
        builder()
            .decorateTiers(CacheMetrics.decorator(inner))
            .decorateTiers(new ForwardingDecorator())
            .build();

    script(cache);

    assertThat(count(inner, "hit")).isEqualTo(13);
    assertThat(count(inner, "miss")).isEqualTo(3);
    assertThat(cache.stats().hitCount()).isEqualTo(13);
  }

  /** Wraps in-process tiers in a tier that forwards every call and keeps the default lookupsCountedBy. */
  private static final class ForwardingDecorator implements TierDecorator {
    @Override
    public <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier) {
      return tier;
    }

    @Override
    public <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier) {
      return new ForwardingLocalTier<>(tier);
    }
  }

  private record ForwardingLocalTier<K, V>(LocalTier<K, V> delegate) implements LocalTier<K, V> {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public @Nullable TierEntry<V> getIfPresent(K key) {
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
