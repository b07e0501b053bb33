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
    TierEntry<V> entry = local.peek(miss.key);
    if (entry == null) {
      return rest.proceed(miss);
    }
    long now = freshness.now();
    TierEntry<V> trigger = miss.trigger;
    if (trigger != null) {
      // a refresh: done, and not counted, if another load or put here already replaced its entry
      if (freshness.supersedes(entry, trigger, now)) {
        miss.skipped = true;
        return CompletableFuture.completedFuture(entry.value());
      }
      return rest.proceed(miss);
    }
    if (!freshness.isFresh(entry, now)) {
      miss.offerStale(entry);
      return rest.proceed(miss);
    }
    return counts.serveOtherHit(miss, entry);
  }
}
