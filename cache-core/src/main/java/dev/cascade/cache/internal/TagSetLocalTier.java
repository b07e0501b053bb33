package dev.cascade.cache.internal;

import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier of a cache whose remote tags are tag sets ({@code RemoteLayout.tagSets}): a
 * raw value read from a remote store does not say which tags it has (a set names its members, not
 * the reverse), so an in-process copy filled by a read cannot be found by its tag. This view
 * therefore answers an invalidation of any tag, here or announced by another instance, by
 * dropping every in-process entry. Every other method is the tier's own. Thread-safe as the tier
 * is.
 */
final class TagSetLocalTier<K, V> implements LocalTier<K, V> {
  private final LocalTier<K, V> tier;

  TagSetLocalTier(LocalTier<K, V> tier) {
    this.tier = tier;
  }

  @Override
  public String name() {
    return tier.name();
  }

  @Override
  public @Nullable Object getValueIfPresent(K key) {
    return tier.getValueIfPresent(key);
  }

  @Override
  public @Nullable TierEntry<V> getIfPresent(K key) {
    return tier.getIfPresent(key);
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
    tier.invalidateAllLocal(); // copies filled from remote reads do not know their tags
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
