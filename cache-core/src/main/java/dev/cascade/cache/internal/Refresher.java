package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.TierEntry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs background refreshes (early refresh and stale-while-revalidate) through the refresh chain:
 * single-flight, then this class as a step that hands the rest to the cache's executor (on the
 * caller's thread only if that executor runs tasks where they are submitted, as {@code
 * Runnable::run} does), then the steps of a miss. The flight is registered on the calling thread,
 * so a key has one refresh per JVM however many callers ask at once; a refresh that finds the key's
 * flight running does nothing. The refresh loads with the loader of the call that started it, and
 * stores its value with the tags of the entry it refreshes plus those the call names, and the TTL
 * the call names. Counts each refresh's outcome: a success when it loaded a value or got the lease
 * holder's, a failure when its loader failed; not at all when it did nothing (the key's flight was
 * running, or the in-process tier already held a newer value: a second refresh of the same
 * expiry); single-flight also logs failures ({@link RefreshFailureLog}). Thread-safe.
 */
final class Refresher<K, V> implements MissStep<K, V> {
  private final Executor executor;
  private final StatsCounter stats;
  private final Ticker ticker;
  private @Nullable MissChain<K, V> chain;

  Refresher(Executor executor, StatsCounter stats, Ticker ticker) {
    this.executor = executor;
    this.stats = stats;
    this.ticker = ticker;
  }

  /** Sets the refresh chain, which holds this step; called once while the engine is built. */
  void chain(MissChain<K, V> refreshChain) {
    this.chain = refreshChain;
  }

  /**
   * The hop: the rest of a refresh runs on the cache's executor, so on another thread than the
   * caller's unless that executor runs tasks in place.
   */
  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    return Futures.composeOn(executor, miss, rest::proceed);
  }

  /**
   * Starts a refresh of {@code key}, whose current entry is {@code trigger}, with {@code loader};
   * returns at once.
   */
  void start(
      K key,
      @Nullable EntrySpec spec,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      TierEntry<V> trigger) {
    start(key, spec, loader, trigger, null);
  }

  /**
   * {@link #start}, for a {@code trigger} found by the remote read of the flight {@code readBy}
   * ({@code null}: found in the in-process tier).
   */
  private void start(
      K key,
      @Nullable EntrySpec spec,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      TierEntry<V> trigger,
      @Nullable Flight<?> readBy) {
    MissChain<K, V> refreshes = chain;
    if (refreshes == null) {
      throw new IllegalStateException("the refresh chain was not set");
    }
    @Nullable EntrySpec kept = keepingTags(spec, trigger.tags());
    Miss<K, V> refresh = new Miss<>(key, kept, loader, executor, null, ticker.read(), trigger, readBy);
    CompletableFuture<@Nullable V> outcome;
    try {
      outcome = refreshes.serve(refresh);
    } catch (RuntimeException | Error e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome.whenComplete(
        (value, error) -> {
          if (refresh.skipped) {
            return;
          }
          if (error == null) {
            stats.refreshSuccesses.increment();
          } else {
            stats.refreshFailures.increment();
          }
        });
  }

  /**
   * Returns {@code spec} with {@code kept}, the refreshed entry's tags, added to the tags it asks
   * for: a refresh keeps its entry's tags, so that invalidating one of them still removes the
   * refreshed value. The TTL stays the one {@code spec} asks for (the cache's default if none).
   */
  static @Nullable EntrySpec keepingTags(@Nullable EntrySpec spec, Set<String> kept) {
    Set<String> asked = EntrySpec.tagsOf(spec);
    if (asked.containsAll(kept)) {
      return spec;
    }
    Set<String> union = new HashSet<>(asked);
    union.addAll(kept);
    return new EntrySpec(EntrySpec.ttlOf(spec), Set.copyOf(union));
  }

  /**
   * Starts a refresh like {@link #start} once {@code miss}'s own flight has left single-flight; the
   * remote read of that flight found {@code trigger}, so callers that come while the refresh runs
   * may be answered with it as long as nothing invalidated the key since the flight began.
   */
  void startAfter(Miss<K, V> miss, TierEntry<V> trigger) {
    Flight<V> reader = miss.flight();
    reader.settled.thenRun(() -> start(miss.key, miss.spec, miss.loader, trigger, reader));
  }
}
