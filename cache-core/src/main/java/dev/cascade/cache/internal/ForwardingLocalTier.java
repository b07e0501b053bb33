package dev.cascade.cache.internal;

import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A view of an in-process tier that passes every call to it; a view overrides what it changes.
 * Thread-safe as the tier is.
 */
abstract class ForwardingLocalTier<K, V> implements LocalTier<K, V> {
  /** The tier this view passes calls to. */
  final LocalTier<K, V> tier;

  ForwardingLocalTier(LocalTier<K, V> tier) {
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
  public boolean invalidateEntryLocal(K key, TierEntry<V> entry) {
    return tier.invalidateEntryLocal(key, entry);
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
