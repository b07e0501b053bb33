package dev.cascade.cache.internal;

import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The step before the load in a cache with stale-if-error: if the load fails and the steps after
 * single-flight found a logically expired entry of the key ({@link Miss#stale}) still within the
 * bound, the caller (and every caller waiting on the flight) gets that entry's value, counted as
 * served stale; past the bound, the loader's exception. An invalidation of the key (or the cache,
 * or a tag) since the flight began makes the old value unservable: invalidation beats staleness.
 * Background refreshes are not answered stale: a caller that waits for one that fails loads for
 * itself (see {@link SingleFlight}), and this step serves that caller's load. Thread-safe.
 */
final class StaleIfError<K, V> implements MissStep<K, V> {
  private final Freshness freshness;
  private final Coherence<K> coherence;
  private final StatsCounter stats;

  StaleIfError(Freshness freshness, Coherence<K> coherence, StatsCounter stats) {
    this.freshness = freshness;
    this.coherence = coherence;
    this.stats = stats;
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    if (miss.isRefresh()) {
      return rest.proceed(miss);
    }
    return rest.proceed(miss)
        .exceptionallyCompose(
            error -> {
              TierEntry<V> stale = miss.stale;
              if (stale != null
                  && freshness.isServableOnError(stale, freshness.now())
                  && coherence.isCurrent(miss.flight())) {
                stats.staleErrors.increment();
                return CompletableFuture.completedFuture(stale.value());
              }
              return CompletableFuture.failedFuture(Futures.unwrap(error));
            });
  }
}
