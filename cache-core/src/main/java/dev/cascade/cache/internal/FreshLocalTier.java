package dev.cascade.cache.internal;

import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier as the engine sees it in a cache that serves stale entries: the tier keeps
 * each entry until the end of its grace ({@link Freshness}), and this view answers lookups only
 * with entries that are still fresh, so that every path of the cache (hits, bulk reads, {@code
 * getIfPresent}) treats an expired entry as absent. {@link #peek} still returns it: the steps that
 * may serve it stale look there. Every other method is the tier's own. Thread-safe as the tier is.
 */
final class FreshLocalTier<K, V> implements LocalTier<K, V> {
  private final LocalTier<K, V> tier;
  private final Freshness freshness;

  FreshLocalTier(LocalTier<K, V> tier, Freshness freshness) {
    this.tier = tier;
    this.freshness = freshness;
  }

  @Override
  public String name() {
    return tier.name();
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

  @Override
  public @Nullable TierEntry<V> peek(K key) {
    return tier.peek(key);
  }

  @Override
  public void putLocal(K key, TierEntry<V> entry) {
    tier.putLocal(key, entry);
  }

  @Override
  public boolean putLocalIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent) {
    return tier.putLocalIf(key, entry, stillCurrent);
  }

  @Override
  public void invalidateLocal(K key) {
    tier.invalidateLocal(key);
  }

  @Override
  public void invalidateAllLocal() {
    tier.invalidateAllLocal();
  }

  @Override
  public void invalidateTagLocal(String tag) {
    tier.invalidateTagLocal(tag);
  }

  @Override
  public void invalidateAliasLocal(String alias) {
    tier.invalidateAliasLocal(alias);
  }

  @Override
  public long estimatedSize() {
    return tier.estimatedSize();
  }

  @Override
  public long evictionCount() {
    return tier.evictionCount();
  }

  @Override
  public void cleanUp() {
    tier.cleanUp();
  }

  @Override
  public void close() {
    tier.close();
  }
}
