package dev.cascade.cache.internal;

import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier as the engine sees it in a cache that serves stale entries: the tier keeps
 * each entry until the end of its grace ({@link Freshness}), and this view answers lookups only
 * with entries that are still fresh, so that every path of the cache (hits, bulk reads, {@code
 * getIfPresent}) treats an expired entry as absent. {@link #peek} still returns it: the steps that
 * may serve it stale look there. Every other call goes to the tier. Thread-safe as the tier is.
 */
final class FreshLocalTier<K, V> extends ForwardingLocalTier<K, V> {
  private final Freshness freshness;

  FreshLocalTier(LocalTier<K, V> tier, Freshness freshness) {
    super(tier);
    this.freshness = freshness;
  }

  @Override
  public @Nullable Object getValueIfPresent(K key) {
    TierEntry<V> entry = getIfPresent(key);
    if (entry == null) {
      return null;
    }
    V value = entry.value();
    return value == null ? CACHED_NULL : value;
  }

  @Override
  public @Nullable TierEntry<V> getIfPresent(K key) {
    TierEntry<V> entry = tier.getIfPresent(key);
    return entry == null || !freshness.isFresh(entry, freshness.now()) ? null : entry;
  }
}
