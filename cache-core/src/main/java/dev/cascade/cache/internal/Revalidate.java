package dev.cascade.cache.internal;

import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The first step of a caller's miss in a cache with stale-while-revalidate: the in-process tier
 * hides logically expired entries from the hit path ({@link FreshLocalTier}), so a caller whose
 * key holds one arrives here. If the entry is within the revalidation window it is served at once
 * (a hit, counted as served stale) and one background refresh starts ({@link Refresher}); a fresh
 * entry (stored meanwhile) is served as a hit; anything else goes on to single-flight. Stateless
 * apart from its collaborators; thread-safe.
 */
final class Revalidate<K, V> implements MissStep<K, V> {
  private final LocalWrites<K, V> local;
  private final Freshness freshness;
  private final Refresher<K, V> refresher;
  private final ReadThrough<K, V> counts;
  private final StatsCounter stats;

  Revalidate(
      LocalWrites<K, V> local,
      Freshness freshness,
      Refresher<K, V> refresher,
      ReadThrough<K, V> counts,
      StatsCounter stats) {
    this.local = local;
    this.freshness = freshness;
    this.refresher = refresher;
    this.counts = counts;
    this.stats = stats;
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    TierEntry<V> entry = local.peek(miss.key);
    if (entry == null) {
      return rest.proceed(miss);
    }
    long now = freshness.now();
    if (freshness.isFresh(entry, now)) {
      return counts.serveOtherHit(miss, entry);
    }
    if (!freshness.isRevalidatable(entry, now)) {
      return rest.proceed(miss);
    }
    if (!miss.counted) {
      counts.recordOtherHit(entry);
      stats.staleRevalidates.increment();
    }
    refresher.start(miss.key, miss.spec, miss.loader, entry);
    return CompletableFuture.completedFuture(entry.value());
  }
}
