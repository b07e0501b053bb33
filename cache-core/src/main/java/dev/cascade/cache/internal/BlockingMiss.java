package dev.cascade.cache.internal;

import static dev.cascade.cache.internal.Futures.await;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The miss of a blocking {@code get(key, loader)} on a cache whose one remote tier is Cascade's own
 * ({@link ReadThrough#readsOneOwnTier}), led on the caller's thread: the first steps of the {@link
 * MissChain} in their order, without the completion stages between them. It registers the key's
 * flight ({@link SingleFlight}), looks at the in-process tier again ({@link LocalRecheck}), reads the
 * remote tier on this thread ({@link ReadThrough#readBlocking}) and, on a hit ({@link
 * RemoteRead#answers}), settles the flight and returns; on a miss it hands the miss to the chain's
 * steps after the remote read, which run on this thread and the call's {@link CallerRunsLoop}, and
 * waits for the flight. A caller that finds the key's flight running goes through the whole chain,
 * which joins it (or detects a recursive load). So every count, fill, refresh, failure and stale
 * candidate is the one the chain makes; only where the steps run differs.
 *
 * <p>Invariant: a flight this class registers is settled exactly once, on every path out, a thrown
 * exception included. Not used by a cache that revalidates in-process entries: {@link Revalidate}
 * comes before single-flight. Stateless apart from its collaborators; thread-safe.
 */
final class BlockingMiss<K, V> {
  private final Coherence<K> coherence;
  private final SingleFlight<K, V> singleFlight;
  private final LocalRecheck<K, V> localRecheck;
  private final ReadThrough<K, V> reads;
  private final RemoteRead<K, V> remoteRead;
  /** The steps after the remote read: the lease, stale-if-error, the load. */
  private final MissChain<K, V> afterRead;
  /** The whole chain, for a caller that finds the key's flight running. */
  private final MissChain<K, V> whole;
  private final Ticker ticker;

  BlockingMiss(
      Coherence<K> coherence,
      SingleFlight<K, V> singleFlight,
      LocalRecheck<K, V> localRecheck,
      ReadThrough<K, V> reads,
      RemoteRead<K, V> remoteRead,
      MissChain<K, V> afterRead,
      MissChain<K, V> whole,
      Ticker ticker) {
    this.coherence = coherence;
    this.singleFlight = singleFlight;
    this.localRecheck = localRecheck;
    this.reads = reads;
    this.remoteRead = remoteRead;
    this.afterRead = afterRead;
    this.whole = whole;
    this.ticker = ticker;
  }

  /**
   * Serves the miss of {@code key} for the calling thread, the loaded entry as {@code spec} asks
   * ({@code null}: the defaults), and returns its value.
   *
   * @throws IllegalArgumentException if the remote tier cannot encode {@code key}
   * @throws IllegalStateException for a recursive load of {@code key}
   * @throws RuntimeException the loader's failure, as the chain fails
   */
  @Nullable V load(
      K key,
      @Nullable EntrySpec spec,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    Thread caller = Thread.currentThread();
    CallerRunsLoop loop = new CallerRunsLoop();
    Miss<K, V> miss = new Miss<>(key, spec, loader, loop, caller, ticker.read());
    Flight<V> flight = coherence.newFlight(key, caller);
    if (singleFlight.register(key, flight) != null) {
      return await(loop.run(() -> whole.serve(miss)));
    }
    miss.flight = flight;
    TierEntry<V> found;
    try {
      found = localRecheck.freshHit(miss);
      if (found == null) {
        TierEntry<V> read = reads.readBlocking(key, flight);
        found = remoteRead.answers(miss, read) ? read : null;
      }
    } catch (RuntimeException | Error e) {
      singleFlight.settle(key, flight, null, e);
      throw e;
    }
    if (found == null) {
      remoteRead.countMiss(miss);
      return loadAfterRead(miss, flight, loop);
    }
    @Nullable V value = found.value();
    singleFlight.settle(key, flight, value, null);
    return value;
  }

  /** Runs the steps after the remote read for {@code miss}, which leads {@code flight}; settles it. */
  private @Nullable V loadAfterRead(Miss<K, V> miss, Flight<V> flight, CallerRunsLoop loop) {
    CompletableFuture<@Nullable V> outcome;
    try {
      outcome = afterRead.serve(miss);
    } catch (RuntimeException | Error e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    outcome.whenComplete((value, error) -> singleFlight.settle(miss.key, flight, value, error));
    return await(loop.drive(flight));
  }
}
