package dev.cascade.cache.internal;

import dev.cascade.cache.Cached;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads the remote tiers nearest first and fills the nearer tiers with what it finds, failing open:
 * a tier that fails counts an error, reads as a miss and marks the flight degraded (later remote
 * steps of that flight are skipped). A fill of the in-process tier is conditional on the flight's
 * epochs, and undone if an invalidation of a tag or of everything ran while it was being stored
 * (see {@link Coherence}). Stateless apart from its collaborators; thread-safe.
 */
final class ReadThrough<K, V> {
  private final List<Tier<K, V>> remotes;
  private final LocalWrites<K, V> local;
  private final Coherence<K> coherence;
  private final StatsCounter stats;
  private final Freshness freshness;

  ReadThrough(
      List<Tier<K, V>> remotes,
      LocalWrites<K, V> local,
      Coherence<K> coherence,
      StatsCounter stats,
      Freshness freshness) {
    this.remotes = remotes;
    this.local = local;
    this.coherence = coherence;
    this.stats = stats;
    this.freshness = freshness;
  }

  boolean hasRemotes() {
    return !remotes.isEmpty();
  }

  /** A lookup that missed the in-process tier: reads the remote tiers and counts one hit or miss. */
  CompletableFuture<@Nullable Cached<V>> lookup(K key) {
    return read(key, 0, coherence.newFlight(key, null))
        .thenApply(
            entry -> {
              if (entry == null || !freshness.isFresh(entry, freshness.now())) {
                stats.misses.increment();
                return null;
              }
              recordOtherHit(entry);
              return new Cached<>(entry.value());
            });
  }

  /**
   * {@link #lookup} for a blocking caller of a cache that {@link #readsAligned}, on the caller's
   * thread: the same reads, counts and failures, without the completion stages between the store's
   * reply and the caller (see {@link RemoteTier#getBlocking}).
   *
   * @throws IllegalArgumentException if the tier cannot encode {@code key}
   */
  @Nullable Cached<V> lookupBlocking(K key) {
    @Nullable TierEntry<V> entry = getOnCaller(key, null);
    if (entry == null || !freshness.isFresh(entry, freshness.now())) {
      stats.misses.increment();
      return null;
    }
    recordOtherHit(entry);
    return new Cached<>(entry.value());
  }

  /**
   * {@link #read} from the first tier for a blocking caller of a cache that {@link #readsOneOwnTier},
   * on the caller's thread: the same answer, fill, counts and failures (a failure marks {@code
   * flight} degraded), without completion stages (see {@link RemoteTier#getBlocking}).
   *
   * @throws IllegalArgumentException if the tier cannot encode {@code key}
   */
  @Nullable TierEntry<V> readBlocking(K key, Flight<V> flight) {
    @Nullable TierEntry<V> entry = getOnCaller(key, flight);
    if (entry != null && freshness.isFresh(entry, freshness.now())) {
      fillNearer(key, entry, 0, flight);
    }
    return entry; // an expired entry too, as read answers it when no farther tier has the key
  }

  /**
   * The first tier's entry of {@code key}, read on this thread; {@code null} when it has none or
   * failed, which counts a tier error and marks {@code flight} (if any) degraded.
   *
   * @throws IllegalArgumentException if the tier cannot encode {@code key}
   */
  private @Nullable TierEntry<V> getOnCaller(K key, @Nullable Flight<V> flight) {
    RemoteTier<K, V> remote = (RemoteTier<K, V>) remotes.get(0);
    try {
      return remote.getBlocking(key);
    } catch (RuntimeException e) {
      TierEntry<V> none = failedOpen(e, null);
      if (flight != null) {
        flight.degraded = true;
      }
      return none;
    }
  }

  /**
   * Answers {@code miss} with {@code entry}, found by a look other than the in-process lookup,
   * counting it as a hit unless the call was counted already.
   */
  CompletableFuture<@Nullable V> serveOtherHit(Miss<K, V> miss, TierEntry<V> entry) {
    if (!miss.counted) {
      recordOtherHit(entry);
    }
    return CompletableFuture.completedFuture(entry.value());
  }

  /**
   * Whether {@link #readAllAligned} and the blocking reads ({@link #lookupBlocking}, {@link
   * #readAllAlignedBlocking}) serve this cache: it has no in-process tier (so a read fills nothing
   * and needs no flight) and one remote tier, one of Cascade's own.
   */
  boolean readsAligned() {
    return !local.present() && readsOneOwnTier();
  }

  /**
   * Whether this cache has one remote tier, one of Cascade's own, which {@link #readBlocking} reads
   * on the caller's thread (an in-process tier in front of it or not).
   */
  boolean readsOneOwnTier() {
    return remotes.size() == 1 && remotes.get(0) instanceof RemoteTier;
  }

  /**
   * {@link #readAll} for a cache that {@link #readsAligned}, without its maps: element {@code i} of
   * the answer is the fresh entry of {@code asked[i]} (distinct keys of type {@code K}), or {@code
   * null}. A failed read answers {@code null} for every key and counts a tier error, as {@link
   * #readAll} does.
   */
  CompletableFuture<@Nullable TierEntry<V>[]> readAllAligned(Object[] asked) {
    RemoteTier<K, V> remote = (RemoteTier<K, V>) remotes.get(0);
    return failOpen(remote, tier -> remote.getAllAligned(asked), null).thenApply(found -> freshOnly(found, asked.length));
  }

  /**
   * {@link #readAllAligned} for a blocking caller, on its thread, as {@link #lookupBlocking} is for
   * {@link #lookup}.
   *
   * @throws IllegalArgumentException if the tier cannot encode one of the keys
   */
  @Nullable TierEntry<V>[] readAllAlignedBlocking(Object[] asked) {
    RemoteTier<K, V> remote = (RemoteTier<K, V>) remotes.get(0);
    @Nullable TierEntry<V>[] found;
    try {
      found = remote.getAllAlignedBlocking(asked);
    } catch (RuntimeException e) {
      found = failedOpen(e, null);
    }
    return freshOnly(found, asked.length);
  }

  /** {@code found} with what is not fresh now removed; all {@code null} if the read failed ({@code null}). */
  private @Nullable TierEntry<V>[] freshOnly(@Nullable TierEntry<V> @Nullable [] found, int asked) {
    if (found == null) {
      @SuppressWarnings("unchecked")
      @Nullable TierEntry<V>[] none = new TierEntry[asked];
      return none;
    }
    long now = freshness.now();
    for (int i = 0; i < found.length; i++) {
      if (found[i] != null && !freshness.isFresh(found[i], now)) {
        found[i] = null; // bulk reads serve nothing stale
      }
    }
    return found;
  }

  /** Counts a hit not made by the in-process lookup: the second look, or a remote tier's. */
  void recordOtherHit(TierEntry<V> entry) {
    stats.recordOtherHit(entry);
  }

  /**
   * Reads the remote tiers from {@code index} on and fills the nearer tiers with what it finds: the
   * nearest fresh entry, or else the nearest logically expired one (which fills nothing; see {@link
   * Freshness}), or {@code null}.
   */
  CompletableFuture<@Nullable TierEntry<V>> read(K key, int index, Flight<V> flight) {
    if (index == remotes.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return failOpen(remotes.get(index), tier -> tier.get(key), null, flight)
        .thenCompose(
            entry -> {
              if (entry == null) {
                return read(key, index + 1, flight);
              }
              if (!freshness.isFresh(entry, freshness.now())) {
                return read(key, index + 1, flight).thenApply(farther -> newer(farther, entry));
              }
              fillNearer(key, entry, index, flight);
              return CompletableFuture.completedFuture(entry);
            });
  }

  /** Returns {@code farther} if it is fresh or newer than the expired {@code nearer}, else {@code nearer}. */
  private TierEntry<V> newer(@Nullable TierEntry<V> farther, TierEntry<V> nearer) {
    if (farther == null) {
      return nearer;
    }
    boolean better =
        freshness.isFresh(farther, freshness.now()) || farther.writtenAtMillis() > nearer.writtenAtMillis();
    return better ? farther : nearer;
  }

  /**
   * Reads {@code keys} from the remote tiers from {@code index} on, each key from the nearest tier
   * that has it, and fills the nearer tiers; returns the entries found. The map returned may be
   * the tier's own answer (when there is nothing to drop, fill or add): callers only read it.
   */
  CompletableFuture<Map<K, TierEntry<V>>> readAll(Set<K> keys, int index, Map<K, Flight<V>> flights) {
    if (index == remotes.size() || keys.isEmpty()) {
      return CompletableFuture.completedFuture(new HashMap<>());
    }
    return failOpen(
            remotes.get(index),
            tier ->
                tier.getAll(keys)
                    .whenComplete(
                        (found, error) -> {
                          if (error != null) {
                            flights.values().forEach(flight -> flight.degraded = true);
                          }
                        }),
            Map.<K, TierEntry<V>>of())
        .thenCompose(
            found -> {
              // One pass over what the tier found: only keys asked for, only fresh entries (bulk reads
              // serve nothing stale), each filling the nearer tiers if there are any.
              boolean fills = index > 0 || local.present();
              long now = freshness.now();
              boolean farther = index + 1 < remotes.size();
              if (!fills && (!farther || found.size() == keys.size()) && allLive(found, keys, now)) {
                return CompletableFuture.completedFuture(found); // nothing to drop, fill or add: no copy
              }
              Map<K, TierEntry<V>> live = new HashMap<>(capacityFor(found.size()));
              found.forEach(
                  (key, entry) -> {
                    if (keys.contains(key) && freshness.isFresh(entry, now)) {
                      live.put(key, entry);
                      if (fills) {
                        fillNearer(key, entry, index, flights.get(key));
                      }
                    }
                  });
              if (index + 1 == remotes.size() || live.size() == keys.size()) {
                return CompletableFuture.completedFuture(live); // no farther tier, or nothing left to ask
              }
              Set<K> remaining = new LinkedHashSet<>(keys);
              remaining.removeAll(live.keySet());
              return readAll(remaining, index + 1, flights)
                  .thenApply(
                      further -> {
                        live.putAll(further);
                        return live;
                      });
            });
  }

  /** Whether every entry {@code found} is of a key asked for and fresh at {@code now}. */
  private boolean allLive(Map<K, TierEntry<V>> found, Set<K> keys, long now) {
    for (Map.Entry<K, TierEntry<V>> e : found.entrySet()) {
      if (!keys.contains(e.getKey()) || !freshness.isFresh(e.getValue(), now)) {
        return false;
      }
    }
    return true;
  }

  /** A {@code HashMap} capacity that holds {@code entries} without a resize. */
  static int capacityFor(int entries) {
    return (int) Math.min(Integer.MAX_VALUE, entries * 4L / 3 + 1);
  }

  private void fillNearer(K key, TierEntry<V> entry, int foundAt, Flight<V> flight) {
    for (int i = 0; i < foundAt; i++) {
      failOpen(remotes.get(i), tier -> tier.put(key, entry), null);
    }
    local.fillIf(key, entry, () -> coherence.isCurrent(flight), () -> coherence.unswept(flight));
  }

  /** Like {@link #failOpen(Tier, Function, Object)}, and marks {@code flight} degraded on failure. */
  <T> CompletableFuture<T> failOpen(
      Tier<K, V> tier, Function<Tier<K, V>, CompletableFuture<T>> operation, T fallback, Flight<V> flight) {
    return failOpen(
        tier,
        t ->
            operation
                .apply(t)
                .whenComplete(
                    (result, error) -> {
                      if (error != null) {
                        flight.degraded = true;
                      }
                    }),
        fallback);
  }

  /**
   * What {@link #failOpen(Tier, Function, Object)} makes of {@code failure}, thrown by a tier read
   * that blocks: an {@link IllegalArgumentException} (a key the tier cannot encode, found before
   * anything was sent) is thrown again; any other failure is counted and answered with {@code
   * fallback}.
   */
  private <T> T failedOpen(RuntimeException failure, T fallback) {
    if (failure instanceof IllegalArgumentException badInput) {
      throw badInput;
    }
    stats.tierErrors.increment();
    return fallback;
  }

  /** Runs a tier operation, counting a failure and answering {@code fallback} instead. */
  <T> CompletableFuture<T> failOpen(
      Tier<K, V> tier, Function<Tier<K, V>, CompletableFuture<T>> operation, T fallback) {
    CompletableFuture<T> future;
    try {
      future = operation.apply(tier);
    } catch (IllegalArgumentException badInput) {
      throw badInput; // a key the tier cannot encode is the caller's error, not an outage
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    return future.exceptionally(
        error -> {
          stats.tierErrors.increment();
          return fallback;
        });
  }
}
