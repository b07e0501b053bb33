package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.internal.TieredCache;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the cache-level binder needs to know about a cache's tiers, which the public {@link Cache}
 * API does not tell: the farthest tier's metered store count (the cache's puts) and the in-process
 * tier's size when it is the only tier. Reads core's engine, {@link TieredCache}; any other {@link
 * Cache} implementation answers "unknown". Stateless.
 */
final class TierView {
  private TierView() {}

  /** Returns the in-process tier when it is the cache's only tier, or {@code null}. */
  static @Nullable LocalTier<?, ?> soleLocalTier(Cache<?, ?> cache) {
    if (cache instanceof TieredCache<?, ?> tiered && tiered.remoteTiers().isEmpty()) {
      return tiered.localTier();
    }
    return null;
  }
}
