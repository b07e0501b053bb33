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

  /**
   * Returns the meters of the farthest tier when it is metered by {@link CacheMetrics#decorator},
   * or {@code null}. Every write of the cache (put, putAll, a published load) reaches the farthest
   * tier, while fills of nearer tiers after a hit never do, so its store count is the cache's.
   */
  static @Nullable TierMeters farthestMeters(Cache<?, ?> cache) {
    if (!(cache instanceof TieredCache<?, ?> tiered)) {
      return null;
    }
    List<? extends Tier<?, ?>> remotes = tiered.remoteTiers();
    Tier<?, ?> farthest = remotes.isEmpty() ? tiered.localTier() : remotes.get(remotes.size() - 1);
    if (farthest instanceof MeteredTier<?, ?> metered) {
      return metered.meters();
    }
    if (farthest instanceof MeteredLocalTier<?, ?> metered) {
      return metered.meters();
    }
    return null;
  }

  /** Returns the in-process tier when it is the cache's only tier, or {@code null}. */
  static @Nullable LocalTier<?, ?> soleLocalTier(Cache<?, ?> cache) {
    if (cache instanceof TieredCache<?, ?> tiered && tiered.remoteTiers().isEmpty()) {
      return tiered.localTier();
    }
    return null;
  }
}
