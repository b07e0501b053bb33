package dev.cascade.cache.internal;

import dev.cascade.cache.spi.LocalTier;

/**
 * The in-process tier of a cache whose remote tags are tag sets ({@code RemoteLayout.tagSets}): a
 * raw value read from a remote store does not say which tags it has (a set names its members, not
 * the reverse), so an in-process copy filled by a read cannot be found by its tag. This view
 * therefore answers an invalidation of any tag, here or announced by another instance, by
 * dropping every in-process entry. Every other call goes to the tier. Thread-safe as the tier
 * is.
 */
final class TagSetLocalTier<K, V> extends ForwardingLocalTier<K, V> {
  TagSetLocalTier(LocalTier<K, V> tier) {
    super(tier);
  }

  @Override
  public void invalidateTagLocal(String tag) {
    tier.invalidateAllLocal(); // copies filled from remote reads do not know their tags
  }
}
