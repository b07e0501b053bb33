package dev.cascade.cache.internal;

import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The step after single-flight: looks at the in-process tier once more, since another flight may
 * have stored the key between the caller's miss and this flight's registration. Not counted as a
 * lookup of the tier; a hit counts as a hit of the cache. A logically expired entry is no hit: it
 * is kept for stale-if-error. A background refresh ends here if the entry it was started for has
 * been replaced by a fresh one. Thread-safe.
 */
final class LocalRecheck<K, V> implements MissStep<K, V> {
  private final LocalWrites<K, V> local;
  private final ReadThrough<K, V> counts;
  private final Freshness freshness;

  LocalRecheck(LocalWrites<K, V> local, ReadThrough<K, V> counts, Freshness freshness) {
    this.local = local;
    this.counts = counts;
    this.freshness = freshness;
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    TierEntry<V> trigger = miss.trigger;
    if (trigger == null) {
      TierEntry<V> fresh = freshHit(miss);
      return fresh == null ? rest.proceed(miss) : CompletableFuture.completedFuture(fresh.value());
    }
    // a refresh: done, and not counted, if another load or put here already replaced its entry
    TierEntry<V> entry = local.peek(miss.key);
    if (entry != null && freshness.supersedes(entry, trigger, freshness.now())) {
      miss.skipped = true;
      return CompletableFuture.completedFuture(entry.value());
    }
    return rest.proceed(miss);
  }

  /**
   * This step for a caller's miss (not a refresh), also taken on the caller's thread by {@link
   * BlockingMiss}: the fresh entry the in-process tier now holds, counted as a hit unless the call
   * was counted already; else {@code null}, an expired entry kept for stale-if-error.
   */
  @Nullable TierEntry<V> freshHit(Miss<K, V> miss) {
    TierEntry<V> entry = local.peek(miss.key);
    if (entry == null) {
      return null;
    }
    if (!freshness.isFresh(entry, freshness.now())) {
      miss.offerStale(entry);
      return null;
    }
    if (!miss.counted) {
      counts.recordOtherHit(entry);
    }
    return entry;
  }
}
