package dev.cascade.cache.internal;

import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The step that reads the remote tiers (through {@link ReadThrough}, which fills nearer tiers). A
 * hit ends the miss where the read completed (for the asynchronous API, the thread that completed
 * the store's reply: no hand-off for a hit); otherwise the miss is counted and the rest of the chain
 * runs on the miss's executor, never on a client library's I/O thread. With a freshness policy, an entry within its
 * revalidation window is served and refreshed in the background once this miss's flight has ended,
 * as is a fresh one whose early refresh is due; one expired past that is kept for stale-if-error and
 * the miss goes on. Thread-safe.
 */
final class RemoteRead<K, V> implements MissStep<K, V> {
  private final ReadThrough<K, V> reads;
  private final StatsCounter stats;
  private final Freshness freshness;
  private final Refresher<K, V> refresher;

  RemoteRead(ReadThrough<K, V> reads, StatsCounter stats, Freshness freshness, Refresher<K, V> refresher) {
    this.reads = reads;
    this.stats = stats;
    this.freshness = freshness;
    this.refresher = refresher;
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    return reads
        .read(miss.key, 0, miss.flight())
        .thenCompose(
            found -> {
              if (answers(miss, found)) {
                return CompletableFuture.completedFuture(found.value()); // where the read completed
              }
              countMiss(miss);
              return Futures.composeOn(miss.executor, miss, rest::proceed);
            });
  }

  /**
   * Whether {@code found}, what the read of {@code miss} found, answers it; if so, counts the hit
   * (unless the call was counted already) and starts the refresh it calls for. If not ({@code null},
   * expired past revalidation, or a refresh needs a newer one), the miss goes on, an expired entry
   * kept for stale-if-error. Shared with {@link BlockingMiss}, which reads on the caller's thread.
   */
  boolean answers(Miss<K, V> miss, @Nullable TierEntry<V> found) {
    if (found == null) {
      return false;
    }
    long now = freshness.now();
    TierEntry<V> trigger = miss.trigger;
    if (trigger != null) {
      return freshness.supersedes(found, trigger, now);
    }
    boolean fresh = freshness.isFresh(found, now);
    if (!fresh && !freshness.isRevalidatable(found, now)) {
      miss.offerStale(found);
      return false;
    }
    if (!miss.counted) {
      reads.recordOtherHit(found);
      if (!fresh) {
        stats.staleRevalidates.increment();
      }
    }
    if (!fresh || freshness.isEarlyRefreshDue(found, now)) {
      refresher.startAfter(miss, found);
    }
    return true;
  }

  /** Counts {@code miss} as a miss of the cache, unless the call was counted already. */
  void countMiss(Miss<K, V> miss) {
    if (!miss.counted) {
      stats.misses.increment();
    }
  }
}
