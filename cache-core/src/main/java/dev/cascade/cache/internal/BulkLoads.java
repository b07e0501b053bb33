package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * {@code getAll}: the in-process tier key by key, then each remote tier once for all keys still
 * missing (one round trip per tier), then one call of the bulk loader for the keys no tier had, and
 * its publish: without a distributed lock one pipeline per tier; with one, the loaded keys' leases
 * are asked for before the loader runs, and each key is published under its own ({@link
 * BulkLeases}). Keys another caller is loading are not loaded again: they share
 * {@link SingleFlight}'s flights with single-key loads. Thread-safe.
 */
final class BulkLoads<K, V> {
  /** The engine's counted lookup in the in-process tier (see {@code CacheEngine.lookupLocal}). */
  interface LocalLookup<K> {
    @Nullable Object lookup(K key);
  }

  /** The placeholder of a key in {@link #getAllPresentAligned}'s result map until its read ends. */
  private static final Object NOT_READ = new Object();

  private final LocalLookup<K> localLookup;
  private final LocalWrites<K, V> local;
  private final ReadThrough<K, V> reads;
  private final SingleFlight<K, V> singleFlight;
  private final Coherence<K> coherence;
  private final Entries entries;
  private final Publisher<K, V> publisher;
  private final LoadStep<K, V> loads;
  private final StatsCounter stats;
  private final Freshness freshness;
  private final BulkLeases<K, V> leases;

  BulkLoads(
      LocalLookup<K> localLookup,
      LocalWrites<K, V> local,
      ReadThrough<K, V> reads,
      SingleFlight<K, V> singleFlight,
      Coherence<K> coherence,
      Entries entries,
      Publisher<K, V> publisher,
      LoadStep<K, V> loads,
      StatsCounter stats,
      Freshness freshness,
      BulkLeases<K, V> leases) {
    this.localLookup = localLookup;
    this.local = local;
    this.reads = reads;
    this.singleFlight = singleFlight;
    this.coherence = coherence;
    this.entries = entries;
    this.publisher = publisher;
    this.loads = loads;
    this.stats = stats;
    this.freshness = freshness;
    this.leases = leases;
  }

  /** The values of those {@code keys} some tier holds; never loads. */
  CompletableFuture<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
    if (reads.readsAligned()) {
      return getAllPresentAligned(keys);
    }
    Map<K, V> result = new LinkedHashMap<>(capacityFor(keys));
    Set<K> missing = readLocal(keys, result, new Pass(true, false));
    if (missing.isEmpty() || !reads.hasRemotes()) {
      stats.misses.add(missing.size());
      return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }
    // A flight here only guards the in-process fill of what a remote tier found (it is not
    // registered for single-flight), so a cache without an in-process tier needs none.
    Map<K, Flight<V>> flights = new HashMap<>();
    if (local.present()) {
      missing.forEach(key -> flights.put(key, coherence.newFlight(key, null)));
    }
    return reads
        .readAll(missing, 0, flights)
        .thenApply(
            found -> {
              found.forEach(
                  (key, entry) -> {
                    reads.recordOtherHit(entry);
                    if (entry.value() != null) {
                      result.put(key, entry.value());
                    }
                  });
              stats.misses.add(missing.size() - found.size());
              return Collections.unmodifiableMap(result);
            });
  }

  /**
   * {@link #getAllPresent} of a cache whose only tier is one remote tier read by position ({@link
   * ReadThrough#readsAligned}). The result map is also what drops repeated keys: each distinct key
   * is put into it once, in the order asked, with a placeholder that {@link #presentValues} replaces
   * by the value found or removes. So each key is hashed once, not once for a set of the keys to
   * read and again for the result.
   */
  private CompletableFuture<Map<K, V>> getAllPresentAligned(Iterable<? extends K> keys) {
    Map<K, Object> slots = slotsOf(keys);
    if (slots.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    Object[] asked = slots.keySet().toArray();
    return reads.readAllAligned(asked).thenApply(found -> presentValues(found, slots));
  }

  /**
   * {@link #getAllPresent} for a blocking caller of a cache that {@link ReadThrough#readsAligned}:
   * the same read, on the caller's thread ({@link ReadThrough#readAllAlignedBlocking}).
   */
  Map<K, V> getAllPresentBlocking(Iterable<? extends K> keys) {
    Map<K, Object> slots = slotsOf(keys);
    if (slots.isEmpty()) {
      return Map.of();
    }
    return presentValues(reads.readAllAlignedBlocking(slots.keySet().toArray()), slots);
  }

  /** The distinct {@code keys} in their order, each with the placeholder {@link #NOT_READ}. */
  private Map<K, Object> slotsOf(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    Map<K, Object> slots = new LinkedHashMap<>(capacityFor(keys));
    for (K key : keys) {
      slots.putIfAbsent(Objects.requireNonNull(key, "keys contains a null key"), NOT_READ);
    }
    return slots;
  }

  /**
   * Replaces the placeholders of {@code slots}, whose keys were asked for in their order, by the
   * values of the entries {@code found} (in the same order, {@code null} for a miss), removes the
   * keys without a value, counts the hits and misses, and returns {@code slots}, unmodifiable.
   */
  private Map<K, V> presentValues(@Nullable TierEntry<V>[] found, Map<K, Object> slots) {
    int hits = 0;
    int nullHits = 0;
    Iterator<Map.Entry<K, Object>> slot = slots.entrySet().iterator();
    for (TierEntry<V> entry : found) {
      Map.Entry<K, Object> asked = slot.next();
      if (entry == null) {
        slot.remove(); // a miss
        continue;
      }
      hits++;
      V value = entry.value();
      if (value == null) {
        nullHits++; // a cached absence: a hit without a value
        slot.remove();
      } else {
        asked.setValue(value);
      }
    }
    stats.recordOtherHits(hits, nullHits);
    stats.misses.add(found.length - hits);
    @SuppressWarnings("unchecked") // every placeholder was replaced by a V or removed
    Map<K, V> result = (Map<K, V>) (Map<K, ?>) slots;
    return Collections.unmodifiableMap(result);
  }

  /** The values of {@code keys}, loading the missing ones with one call of {@code bulkLoader}. */
  CompletableFuture<Map<K, V>> loadAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Executor executor,
      @Nullable Thread owner) {
    return loadAll(keys, bulkLoader, executor, owner, new Pass(true, false));
  }

  /**
   * How one run of a bulk load treats its keys. {@code counts}: whether it counts its lookups (not
   * when it runs again for keys already counted: after a write-through the caller waited for failed
   * or deleted the key, or after it waited out stale loads). {@code joinsAnyLoad}: whether it joins
   * a running load of a key even if that load began before an invalidation of the key (only when it
   * runs again after waiting such loads out, so a caller waits for at most two loads of a key).
   */
  private record Pass(boolean counts, boolean joinsAnyLoad) {}

  private CompletableFuture<Map<K, V>> loadAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Executor executor,
      @Nullable Thread owner,
      Pass pass) {
    Map<K, V> result = new LinkedHashMap<>(capacityFor(keys));
    Set<K> missing = readLocal(keys, result, pass);
    if (owner != null) {
      for (K key : missing) {
        if (singleFlight.isOwnedBy(key, owner)) {
          throw new IllegalStateException(
              "recursive load: a loader or writer of key " + key + " asked for the same key through getAll");
        }
      }
    }
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }
    Map<K, Flight<V>> led = new LinkedHashMap<>();
    Map<K, Flight<V>> followed = new LinkedHashMap<>();
    Map<K, Flight<V>> staleLoads = new LinkedHashMap<>(); // began before an invalidation of their key
    for (K key : missing) {
      Flight<V> flight = coherence.newFlight(key, owner);
      Flight<V> existing = singleFlight.register(key, flight);
      if (existing == null) {
        led.put(key, flight);
      } else if (!existing.write && !pass.joinsAnyLoad() && coherence.invalidatedSince(existing)) {
        staleLoads.put(key, existing);
      } else {
        followed.put(key, existing);
      }
    }
    if (pass.counts()) {
      stats.misses.add(followed.size() + staleLoads.size());
      stats.coalescedWaits.add(followed.size() + staleLoads.size());
    }
    CompletableFuture<Void> leading;
    try {
      leading = leadAll(led, bulkLoader, executor, pass);
    } catch (RuntimeException | Error e) {
      leading = CompletableFuture.failedFuture(e);
    }
    // keys the bulk loader did not return end with null
    CompletableFuture<Void> settled =
        leading.whenComplete(
            (done, error) -> led.forEach((key, flight) -> singleFlight.settle(key, flight, null, error)));
    Map<K, CompletableFuture<@Nullable V>> followedValues = new LinkedHashMap<>();
    followed.forEach(
        (key, flight) ->
            followedValues.put(
                key, flight.write || flight.refresh ? afterWriteOrRefresh(key, flight, bulkLoader, executor, owner) : flight));
    CompletableFuture<Map<K, V>> reloaded = afterStaleLoads(staleLoads, bulkLoader, executor, owner);
    List<CompletableFuture<?>> all = new ArrayList<>(followedValues.values());
    all.add(settled);
    all.add(reloaded);
    all.addAll(led.values());
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              led.forEach((key, flight) -> addIfValue(result, key, flight.join()));
              followedValues.forEach((key, value) -> addIfValue(result, key, value.join()));
              result.putAll(reloaded.join());
              return Collections.unmodifiableMap(result);
            });
  }

  /**
   * The values of the keys of {@code staleLoads}, whose running loads began before an invalidation
   * of their key, so may return what a caller that came after it must not see: once every one of
   * those loads has ended, one bulk load of those keys that joins whatever load it then finds (which
   * began after the invalidation) or leads its own. As with a single key: one load of a key at a
   * time, and a caller waits for at most two.
   */
  private CompletableFuture<Map<K, V>> afterStaleLoads(
      Map<K, Flight<V>> staleLoads,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Executor executor,
      @Nullable Thread owner) {
    if (staleLoads.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    CompletableFuture<?>[] ends = staleLoads.values().stream().map(flight -> flight.settled).toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(ends)
        .thenComposeAsync(ended -> loadAll(staleLoads.keySet(), bulkLoader, executor, owner, new Pass(false, true)), executor);
  }

  /**
   * The value of {@code key} after {@code flight}, a write-through or a background refresh of it:
   * its value, or, when it failed, a bulk load of the key alone (a reader never gets the failure of
   * a write or a refresh it did not start).
   */
  private CompletableFuture<@Nullable V> afterWriteOrRefresh(
      K key,
      Flight<V> flight,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Executor executor,
      @Nullable Thread owner) {
    return flight
        .handle(
            (value, error) ->
                error == null
                    ? CompletableFuture.<@Nullable V>completedFuture(value)
                    : loadAll(Set.of(key), bulkLoader, executor, owner, new Pass(false, false))
                        .thenApply(loaded -> loaded.get(key)))
        .thenCompose(Function.identity());
  }

  /**
   * Adds the live local values of {@code keys} to {@code result} and returns the missing keys. Each
   * distinct key is looked up (and counted) once, however often {@code keys} names it: a key is
   * skipped when it is already in {@code result}, among the missing keys, or among the cached
   * absences found, which are in neither.
   */
  private Set<K> readLocal(Iterable<? extends K> keys, Map<K, V> result, Pass pass) {
    Objects.requireNonNull(keys, "keys");
    Set<K> missing = new LinkedHashSet<>(capacityFor(keys));
    if (!local.present()) { // every key misses, uncounted (the cache's lookups count no tier it lacks)
      for (K key : keys) {
        missing.add(Objects.requireNonNull(key, "keys contains a null key"));
      }
      return missing;
    }
    Set<K> cachedNulls = null; // created at the first cached absence: most requests find none
    for (K key : keys) {
      Objects.requireNonNull(key, "keys contains a null key");
      if (result.containsKey(key) || missing.contains(key) || (cachedNulls != null && cachedNulls.contains(key))) {
        continue;
      }
      Object found = pass.counts() ? localLookup.lookup(key) : uncounted(key);
      if (found == null) {
        missing.add(key);
      } else if (found == LocalTier.CACHED_NULL) {
        if (cachedNulls == null) {
          cachedNulls = new HashSet<>();
        }
        cachedNulls.add(key);
      } else {
        @SuppressWarnings("unchecked")
        V value = (V) found;
        result.put(key, value);
      }
    }
    return missing;
  }

  /** A hash capacity that holds every key of {@code keys} without a resize, if their number is known. */
  private static int capacityFor(Iterable<?> keys) {
    return keys instanceof java.util.Collection<?> known ? ReadThrough.capacityFor(known.size()) : 16;
  }

  /**
   * The in-process tier's answer for {@code key} in the form of the counted lookup, uncounted: like
   * that lookup, it takes an entry past its logical expiry (which the tier keeps for a cache that
   * serves stale entries) for a miss.
   */
  private @Nullable Object uncounted(K key) {
    TierEntry<V> entry = local.peek(key);
    if (entry == null || !freshness.isFresh(entry, freshness.now())) {
      return null;
    }
    V value = entry.value();
    return value == null ? LocalTier.CACHED_NULL : value;
  }

  private static <K, V> void addIfValue(Map<K, V> result, K key, @Nullable V value) {
    if (value != null) {
      result.put(key, value);
    }
  }

  /** Completes the flights of {@code led} with values found in remote tiers, then bulk-loads the rest. */
  private CompletableFuture<Void> leadAll(
      Map<K, Flight<V>> led,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Executor executor,
      Pass pass) {
    if (led.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return reads
        .readAll(led.keySet(), 0, led)
        .thenCompose(
            found -> {
              // where the read completed: keys found need no hand-off; the rest load on the executor
              found.forEach(
                  (key, entry) -> {
                    if (pass.counts()) {
                      reads.recordOtherHit(entry);
                    }
                    led.get(key).complete(entry.value());
                  });
              Set<K> toLoad = new LinkedHashSet<>(led.keySet());
              toLoad.removeAll(found.keySet());
              if (pass.counts()) {
                stats.misses.add(toLoad.size());
              }
              if (toLoad.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              return Futures.composeOn(
                  executor, Collections.unmodifiableSet(toLoad), keys -> loadOnExecutor(keys, led, bulkLoader, executor));
            });
  }

  /**
   * Bulk-loads {@code keys}, which {@code led} leads, on {@code executor}'s thread, under their leases
   * if the cache takes leases: the read before may have completed on a client's I/O thread, where no
   * loader runs (a sync {@code getAll}'s executor is its caller's thread).
   */
  private CompletableFuture<Void> loadOnExecutor(
      Set<K> keys,
      Map<K, Flight<V>> led,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Executor executor) {
    if (!leases.active()) {
      return loadAndPublish(keys, led, bulkLoader, null);
    }
    // back on the executor: the leases complete on the client's I/O thread
    return leases.take(keys, led).thenComposeAsync(held -> loadUnderLeases(keys, led, bulkLoader, held), executor);
  }

  /** {@link #loadAndPublish} under {@code held}, which are released however it ends. */
  private CompletableFuture<Void> loadUnderLeases(
      Set<K> keys,
      Map<K, Flight<V>> led,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Map<K, Lease> held) {
    CompletableFuture<Void> loaded;
    try {
      loaded = loadAndPublish(keys, led, bulkLoader, held);
    } catch (RuntimeException | Error e) { // e.g. a loader's stage whose toCompletableFuture throws
      loaded = CompletableFuture.failedFuture(e);
    }
    return loaded.whenComplete((done, error) -> leases.releaseAll(held));
  }

  /**
   * Calls the bulk loader for {@code toLoad}, completes their flights and publishes what it
   * returned: with {@code held} (the leases of a cache with a distributed lock), each key under its
   * lease, and a key without one to the in-process tier only ({@link BulkLeases}); without, all
   * keys in one pipeline per tier.
   */
  private CompletableFuture<Void> loadAndPublish(
      Set<K> toLoad,
      Map<K, Flight<V>> led,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      @Nullable Map<K, Lease> held) {
    long startNanos = entries.ticker().read();
    long startWall = entries.ticker().wallMillis();
    CompletionStage<? extends Map<? extends K, ? extends V>> stage;
    try {
      stage = Objects.requireNonNull(bulkLoader.apply(toLoad), "the bulk loader returned a null future");
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .handle(
            (loaded, error) -> {
              long took = entries.ticker().read() - startNanos;
              if (error != null || loaded == null) {
                loads.loadFailed(took);
                Throwable cause =
                    error != null
                        ? Futures.unwrap(error)
                        : new IllegalStateException("the bulk loader returned a null map");
                return CompletableFuture.<Void>failedFuture(cause);
              }
              loads.loadSucceeded(took);
              Map<K, TierEntry<V>> toPublish = new LinkedHashMap<>();
              for (K key : toLoad) {
                V value = loaded.get(key);
                if (value != null || entries.cachesAbsences()) {
                  // a load time of at least 1 marks a load's entry (see LoadStep)
                  TierEntry<V> entry = entries.create(value, null, startWall, Math.max(1, took), Set.of());
                  if (coherence.isCurrent(led.get(key))) {
                    toPublish.put(key, entry);
                  }
                }
                led.get(key).complete(value);
              }
              return held == null ? publisher.publishAll(toPublish, led) : publisher.publishEach(toPublish, led, held);
            })
        .thenCompose(Function.identity())
        .toCompletableFuture();
  }
}
