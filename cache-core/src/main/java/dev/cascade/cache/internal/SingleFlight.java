package dev.cascade.cache.internal;

import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The first step of the miss chain: at most one load per key per JVM. The first caller of a key
 * registers a {@link Flight} and leads it through the rest of the chain; callers that come while it
 * runs wait for its result (a failure included, except that of a write-through or of a background
 * refresh: then they load for themselves). A blocking caller whose loader asks for the same
 * key again gets an {@link IllegalStateException} instead of a deadlock. A background refresh
 * ({@link Refresher}) that finds the key's flight running does nothing instead of waiting. A caller
 * that finds running a refresh of an entry a remote read found gets that entry, while it may still
 * be served and nothing invalidated the key since that read began ({@link #whileRefreshing}); a
 * refresh of an entry the in-process tier holds answers no one with it, since callers find that
 * entry there themselves until an invalidation, a put or an eviction removes it. Bulk loads
 * register their keys here too, so single and bulk loads of one key never run at once.
 *
 * <p>Invariant: {@link #flights} holds exactly the flights still running; a flight leaves the map
 * before its result is published, so a caller that has seen the result starts a new flight, never
 * joins the finished one. A caller that finds a load running that began before an invalidation of
 * its key ({@link Coherence#invalidatedSince}: an epoch of its stripe or the global epoch moved, or
 * a put superseded it) does not join it either: it waits for it to end and then looks again, once,
 * so a {@code get} that follows an invalidation never gets a value loaded before it, no two loads
 * of a key run at once, and a caller waits for at most two loads. Bulk loads do the same for the
 * keys they find so loading ({@link BulkLoads}). Thread-safe.
 */
final class SingleFlight<K, V> implements MissStep<K, V> {
  private final String cacheName;
  private final Coherence<K> coherence;
  private final StatsCounter stats;
  private final Freshness freshness;
  private final ConcurrentHashMap<K, Flight<V>> flights = new ConcurrentHashMap<>();
  private final RefreshFailureLog refreshFailures;

  SingleFlight(String cacheName, Coherence<K> coherence, StatsCounter stats, Freshness freshness) {
    this.cacheName = cacheName;
    this.coherence = coherence;
    this.stats = stats;
    this.freshness = freshness;
    this.refreshFailures = new RefreshFailureLog(cacheName, freshness);
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    Flight<V> flight = coherence.newFlight(miss.key, miss.owner);
    flight.refresh = miss.isRefresh();
    if (miss.triggerReadBy != null) {
      flight.refreshing = miss.trigger;
      flight.refreshingReadBy = miss.triggerReadBy;
    }
    Flight<V> existing = register(miss.key, flight);
    if (existing != null) {
      if (miss.isRefresh()) {
        miss.skipped = true; // the running flight will put a newer value in place, or fail
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<@Nullable V> whileRefreshing = whileRefreshing(miss, existing);
      if (whileRefreshing != null) {
        return whileRefreshing;
      }
      if (miss.owner != null && existing.owner == miss.owner) {
        throw new IllegalStateException(
            "recursive load: the loader of key " + miss.key + " asked cache '" + cacheName + "' for the same key");
      }
      if (!miss.counted) {
        stats.misses.increment();
        stats.coalescedWaits.increment();
      }
      if (!existing.write && !miss.waitedOutStaleLoad && coherence.invalidatedSince(existing)) {
        // The running load began before an invalidation of its key (or a put superseded it): what it
        // returns may be older than what this caller, which came after, must see. So the caller
        // waits for it to end, then looks again on its own executor, once: it joins, or leads, the
        // load it then finds, which began after the invalidation. One load of a key at a time, as
        // always; a caller waits for at most two loads.
        miss.waitedOutStaleLoad = true;
        return existing.settled.thenComposeAsync(ended -> serveAgain(miss, rest), miss.executor);
      }
      if (existing.write) {
        // the written value, or, if the write failed, a load of our own: a reader never gets a
        // writer's failure
        return existing
            .handle((value, error) -> error == null ? CompletableFuture.completedFuture(value) : serveAgain(miss, rest))
            .thenCompose(java.util.function.Function.identity());
      }
      if (existing.refresh) {
        // the refreshed value, or, if the refresh failed, a load of our own, on our own executor,
        // which may answer stale on error: no caller gets the failure of a refresh it did not start
        return existing.exceptionallyComposeAsync(error -> serveAgain(miss, rest), miss.executor);
      }
      return existing.copy();
    }
    return lead(miss, rest, flight);
  }

  /** Runs the rest of the chain for {@code miss}, whose {@code flight} is registered for its key. */
  private CompletableFuture<@Nullable V> lead(Miss<K, V> miss, Rest<K, V> rest, Flight<V> flight) {
    miss.flight = flight;
    CompletableFuture<@Nullable V> result;
    try {
      result = rest.proceed(miss);
    } catch (RuntimeException | Error e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((value, error) -> settle(miss.key, flight, value, error));
    return flight.copy();
  }

  /**
   * Answers a caller that came while {@code running}, a background refresh of an entry a remote read
   * found, runs: with that entry, if it is still fresh or within its revalidation window and nothing
   * invalidated or replaced the key since the flight that read it began (a refresh registers later,
   * so its own epochs would miss an invalidation or a put in between); else {@code null}, and the
   * caller waits for the refresh like any flight.
   */
  private @Nullable CompletableFuture<@Nullable V> whileRefreshing(Miss<K, V> miss, Flight<V> running) {
    TierEntry<V> entry = running.refreshing;
    Flight<?> readBy = running.refreshingReadBy;
    if (entry == null || readBy == null || !coherence.isCurrent(readBy) || !coherence.isCurrent(running)) {
      return null;
    }
    long now = freshness.now();
    boolean fresh = freshness.isUnexpired(entry, now); // held since its read: no tier dropped it at expiry
    if (!fresh && !freshness.isRevalidatable(entry, now)) {
      return null;
    }
    if (!miss.counted) {
      stats.recordOtherHit(entry);
      if (!fresh) {
        stats.staleRevalidates.increment();
      }
    }
    return CompletableFuture.completedFuture(entry.value());
  }

  /** Serves {@code miss} again, its lookup already counted (a miss and a coalesced wait). */
  private CompletableFuture<@Nullable V> serveAgain(Miss<K, V> miss, Rest<K, V> rest) {
    miss.counted = true;
    return serve(miss, rest);
  }

  /** Registers {@code flight} for {@code key}; returns the flight already running, or {@code null}. */
  @Nullable Flight<V> register(K key, Flight<V> flight) {
    return flights.putIfAbsent(key, flight);
  }

  /**
   * Ends {@code flight}: leaves the map first, then gives waiters the value or the failure; the
   * failure of a background refresh, which no caller sees, goes to the operator's log too ({@link
   * RefreshFailureLog}).
   */
  void settle(K key, Flight<V> flight, @Nullable V value, @Nullable Throwable error) {
    flights.remove(key, flight);
    flight.settled.complete(null);
    if (error != null) {
      Throwable cause = Futures.unwrap(error);
      if (flight.refresh) {
        refreshFailures.failed(key, cause);
      }
      flight.completeExceptionally(cause);
    } else {
      flight.complete(value);
    }
  }

  /**
   * Keeps the fill of {@code key}'s running flight, if there is one, from being stored: what a put
   * into a cache whose only tier is in-process does instead of moving the key's epoch, so that it
   * writes no memory shared with other writers. Called before the put stores its entry; the fill
   * reads the mark under the key's lock in the tier, so either the fill sees it and gives up, or
   * the fill was stored first and the put overwrites it. A flight registered after this call began
   * after the put did, as under an epoch move.
   */
  void supersede(K key) {
    Flight<V> running = flights.get(key);
    if (running != null) {
      running.superseded = true;
    }
  }

  /** Whether a flight of {@code key} is running on behalf of the blocking caller {@code owner}. */
  boolean isOwnedBy(K key, Thread owner) {
    Flight<V> flight = flights.get(key);
    return flight != null && flight.owner == owner;
  }

  int inFlightCount() {
    return flights.size();
  }
}
