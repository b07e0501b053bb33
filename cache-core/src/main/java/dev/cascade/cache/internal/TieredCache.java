package dev.cascade.cache.internal;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheLoaderException;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.Cached;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The policy engine behind every {@link Cache}: TTL and jitter, null caching, layering over tiers,
 * single-flight, the distributed lease, tags and statistics, written once for every backend.
 *
 * <p>Concurrency: every miss path is asynchronous; the blocking API drives it on the calling thread
 * through a {@link CallerRunsLoop}, so a blocking loader always runs in its caller's thread. {@code
 * flights} holds one {@link Flight} per key being loaded and is emptied as each load ends.
 * Invalidation epochs (one per key stripe, one global) are bumped before any write or invalidation
 * touches a tier; a fill or publish checks them under the in-process tier's per-key lock and gives
 * up if they moved, so an invalidation that races a fill always wins.
 */
public final class TieredCache<K, V> implements Cache<K, V> {
  private static final int STRIPES = 1024;
  private static final String[] NO_TAGS = {};

  private final String name;
  private final @Nullable LocalTier<K, V> local;
  /**
   * Where {@link #lookupLocal} looks keys up: {@link #local} or a tier it wraps (see {@link
   * LocalTier#lookupsCountedBy}); non-null exactly when {@code local} is.
   */
  private final @Nullable LocalTier<K, V> localLookups;
  private final List<Tier<K, V>> remotes;
  private final @Nullable Duration ttl;
  private final double jitter;
  private final @Nullable Duration nullTtl;
  private final Ticker ticker;
  private final @Nullable Duration leaseTime;
  private final Duration leaseMaxWait;
  private final Duration leasePoll;
  private final Executor asyncExecutor;
  private final StatsCounter stats;
  /** {@code stats.localHits}, read on every hit: one dereference fewer there. */
  private final HitCounter localHits;
  private final ConcurrentHashMap<K, Flight<V>> flights = new ConcurrentHashMap<>();
  private final AtomicLongArray stripeEpochs = new AtomicLongArray(STRIPES);
  private final AtomicLong globalEpoch = new AtomicLong();
  private final AsyncView asyncView = new AsyncView();
  private final @Nullable InvalidationChannel channel;
  private final KeyCodec<K> keyCodec;
  private final InvalidationChannel.@Nullable Subscription subscription;

  public TieredCache(CacheSettings<K, V> settings) {
    this.name = settings.name();
    this.local = settings.local();
    this.remotes = settings.remotes();
    this.ttl = settings.ttl();
    this.jitter = settings.jitter();
    this.nullTtl = settings.nullTtl();
    this.ticker = settings.ticker();
    this.leaseTime = settings.leaseTime();
    this.leaseMaxWait = settings.leaseMaxWait();
    this.leasePoll = settings.leasePoll();
    this.asyncExecutor = settings.asyncExecutor();
    this.stats = settings.stats();
    this.localHits = stats.localHits;
    this.channel = settings.channel();
    this.keyCodec = settings.keyCodec();
    this.localLookups =
        local == null ? null : Objects.requireNonNull(local.lookupsCountedBy(stats.localLookupCounts()), "lookup tier");
    this.subscription = channel == null ? null : channel.subscribe(name, new ChannelListener());
  }

  /**
   * Applies what other instances invalidated. Each event first moves the global epoch, so that a
   * fill in flight (which may have read the old remote value) is discarded, then drops the
   * matching in-process entries.
   */
  private final class ChannelListener implements InvalidationChannel.Listener {
    @Override
    public void onEvent(InvalidationChannel.Event event) {
      stats.invalidationsReceived.increment();
      globalEpoch.incrementAndGet();
      if (local == null) {
        return;
      }
      switch (event.kind()) {
        case KEYS -> event.keys().forEach(local::invalidateAliasLocal);
        case TAG -> event.keys().forEach(local::invalidateTagLocal);
        case ALL -> local.invalidateAllLocal();
      }
    }

    @Override
    public void onPossibleLoss() {
      stats.localFlushes.increment();
      globalEpoch.incrementAndGet();
      if (local != null) {
        local.invalidateAllLocal();
      }
    }
  }

  /**
   * Tells the other instances, after a write or invalidation, to drop their copies; completes when
   * the channel says they have (or fails when it cannot say so). {@code error} is the write's own
   * failure, reported in preference.
   */
  private CompletableFuture<Void> announce(
      @Nullable Throwable error, InvalidationChannel.Kind kind, List<String> keys) {
    CompletableFuture<Void> announced =
        channel == null
            ? CompletableFuture.completedFuture(null)
            : channel
                .publish(name, new InvalidationChannel.Event(kind, keys))
                .exceptionallyCompose(
                    failure ->
                        CompletableFuture.failedFuture(
                            new CacheException(
                                "cache '" + name + "': other instances may not have dropped " + keys
                                    + " (" + kind + "): " + unwrap(failure).getMessage(),
                                unwrap(failure))));
    if (error == null) {
      return announced;
    }
    // The write failed (perhaps half-done): the announcement is still sent, but not waited for,
    // so that a caller pays one timeout, not two, while the server is down.
    return CompletableFuture.failedFuture(unwrap(error));
  }

  private List<String> encoded(Iterable<? extends K> keys) {
    List<String> encoded = new ArrayList<>();
    if (channel != null) {
      keys.forEach(key -> encoded.add(keyCodec.encode(key)));
    }
    return encoded;
  }

  @Override
  public String name() {
    return name;
  }

  /** Returns the in-process tier, or {@code null} for a remote-only cache. */
  public @Nullable LocalTier<K, V> localTier() {
    return local;
  }

  /** Returns the remote tiers, nearest first. */
  public List<Tier<K, V>> remoteTiers() {
    return remotes;
  }

  /** Returns the number of loads in flight; zero when the cache is idle. */
  public int inFlightCount() {
    return flights.size();
  }

  // ---- blocking API -------------------------------------------------------------------------

  // On the hit paths of getIfPresent and get(key, loader), the methods that lead to the in-process
  // tier's lookup are small enough for C1 to inline them all, down to Caffeine's own lookup: C1
  // inlines up to 35 bytes of bytecode into the method it compiles and 90 % of its caller's allowance
  // at each level below (31, 27, 24, 21, 18 bytes), so they are 23, 26, 19 bytes here and 16 in
  // CaffeineTier, which fits even when the caller is itself inlined one level down. A method C1 does
  // not inline becomes hot on its own; C2 then compiles it alone, with Caffeine's lookup inlined,
  // into code too big to inline into the caller later (InlineSmallCode), and every hit pays a call.
  // The counting after the lookup need not fit (its own compiled code stays small), and misses
  // leave through other methods. docs/benchmarks.md has the measurements.

  @Override
  public @Nullable V getIfPresent(K key) {
    Object found = lookupLocal(key);
    return found != null ? valueOf(found) : getIfPresentAfterLocalMiss(key);
  }

  /** {@link #getIfPresent} once the in-process tier (if any) missed. */
  private @Nullable V getIfPresentAfterLocalMiss(K key) {
    if (local != null && remotes.isEmpty()) {
      stats.misses.increment();
      return null;
    }
    Cached<V> found = await(lookupRemote(key));
    return found == null ? null : found.value();
  }

  @Override
  public @Nullable Cached<V> lookup(K key) {
    Object found = lookupLocal(key);
    return found != null ? new Cached<>(valueOf(found)) : await(lookupRemote(key));
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    return found != null ? valueOf(found) : loadBlocking(key, null, loader);
  }

  @Override
  public @Nullable V get(K key, Duration ttl, Function<? super K, ? extends @Nullable V> loader) {
    requirePositive(Objects.requireNonNull(ttl, "ttl"), "ttl");
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    return found != null ? valueOf(found) : loadBlocking(key, ttl, loader);
  }

  /** Checks the key, then the loader: the order in which every form of {@code get} checks them. */
  private static void requireKeyAndLoader(Object key, Object loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
  }

  /** {@code get(key, [ttl,] loader)} once the in-process tier (if any) missed. */
  private @Nullable V loadBlocking(
      K key, @Nullable Duration entryTtl, Function<? super K, ? extends @Nullable V> loader) {
    CallerRunsLoop loop = new CallerRunsLoop();
    return await(loop.drive(load(key, entryTtl, callInline(loader), loop, Thread.currentThread())));
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    return await(getAllPresent(keys));
  }

  @Override
  public Map<K, V> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    Objects.requireNonNull(bulkLoader, "bulkLoader");
    CallerRunsLoop loop = new CallerRunsLoop();
    return await(loop.drive(loadAll(keys, callInline(bulkLoader), loop, Thread.currentThread())));
  }

  @Override
  public void put(K key, V value) {
    await(putAsync(key, value, null, NO_TAGS));
  }

  @Override
  public void put(K key, V value, Duration ttl, String... tags) {
    Objects.requireNonNull(ttl, "ttl");
    await(putAsync(key, value, ttl, tags));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    await(putAllAsync(entries));
  }

  @Override
  public void invalidate(K key) {
    await(invalidateAsync(key));
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    await(invalidateAllAsync(keys));
  }

  @Override
  public void invalidateAll() {
    await(invalidateAllAsync());
  }

  @Override
  public void invalidateTag(String tag) {
    await(invalidateTagAsync(tag));
  }

  @Override
  public CacheStats stats() {
    return stats.snapshot(local == null ? 0 : local.evictionCount());
  }

  @Override
  public AsyncCache<K, V> async() {
    return asyncView;
  }

  @Override
  public void close() {
    // Stores and channels were handed in by the user and may serve other caches: closing them is
    // the user's call. This cache only stops listening.
    if (subscription != null) {
      subscription.close();
    }
  }

  @Override
  public String toString() {
    return "Cache[" + name + "]";
  }

  // ---- reads --------------------------------------------------------------------------------

  /**
   * Looks {@code key} up in the in-process tier ({@code nearest} is {@link #localLookups}) and
   * counts the lookup: every lookup in that tier goes through here, so the counts handed to it by
   * {@link LocalTier#lookupsCountedBy} are exact. A hit also counts as a hit of the cache. Returns
   * what {@link LocalTier#getValueIfPresent} returned: {@code null} for a miss, else the value or
   * {@link LocalTier#CACHED_NULL} (see {@link #valueOf}).
   */
  private @Nullable Object lookupLocal(LocalTier<K, V> nearest, K key) {
    try {
      return countLocalLookup(nearest.getValueIfPresent(key));
    } catch (RuntimeException | Error e) {
      countLocalFailure();
      throw e;
    }
  }

  private void countLocalFailure() {
    stats.localFailures.increment();
  }

  /**
   * {@link #lookupLocal(LocalTier, Object)} after checking {@code key}, or {@code null} when this
   * cache has no in-process tier: every lookup of the cache's own methods starts here. (Two methods
   * rather than one, each written for few bytes of bytecode; see the note above getIfPresent.)
   *
   * @throws NullPointerException if {@code key} is null
   */
  private @Nullable Object lookupLocal(K key) {
    Objects.requireNonNull(key, "key");
    LocalTier<K, V> nearest = localLookups;
    if (nearest == null) {
      return null;
    }
    return lookupLocal(nearest, key);
  }

  private @Nullable Object countLocalLookup(@Nullable Object found) {
    if (found == null) {
      stats.localMisses.increment();
    } else {
      localHits.increment();
      if (found == LocalTier.CACHED_NULL) {
        stats.nullHits.increment();
      }
    }
    return found;
  }

  /** The value a non-null result of {@link #lookupLocal} stands for. */
  @SuppressWarnings("unchecked")
  private static <V> @Nullable V valueOf(Object found) {
    return found == LocalTier.CACHED_NULL ? null : (V) found;
  }

  /** Counts any other hit: the second look after registering a load, or a remote tier's. */
  private void recordOtherHit(TierEntry<V> entry) {
    stats.otherHits.increment();
    if (entry.value() == null) {
      stats.nullHits.increment();
    }
  }

  private CompletableFuture<@Nullable Cached<V>> lookupRemote(K key) {
    return readThrough(key, 0, newFlight(key, null))
        .thenApply(
            entry -> {
              if (entry == null) {
                stats.misses.increment();
                return null;
              }
              recordOtherHit(entry);
              return new Cached<>(entry.value());
            });
  }

  /** Reads the remote tiers from {@code index} on and fills the nearer tiers with what it finds. */
  private CompletableFuture<@Nullable TierEntry<V>> readThrough(K key, int index, Flight<V> epochs) {
    if (index == remotes.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return failOpen(remotes.get(index), tier -> tier.get(key), null, epochs)
        .thenCompose(
            entry -> {
              if (entry == null) {
                return readThrough(key, index + 1, epochs);
              }
              fillNearer(key, entry, index, epochs);
              return CompletableFuture.completedFuture(entry);
            });
  }

  private void fillNearer(K key, TierEntry<V> entry, int foundAt, Flight<V> epochs) {
    for (int i = 0; i < foundAt; i++) {
      failOpen(remotes.get(i), tier -> tier.put(key, entry), null);
    }
    if (local != null) {
      local.putLocalIf(key, entry, () -> isCurrent(epochs));
    }
  }

  private CompletableFuture<Map<K, V>> getAllPresent(Iterable<? extends K> keys) {
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> missing = readLocal(keys, result);
    if (missing.isEmpty() || remotes.isEmpty()) {
      stats.misses.add(missing.size());
      return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }
    Map<K, Flight<V>> epochs = new HashMap<>();
    missing.forEach(key -> epochs.put(key, newFlight(key, null)));
    return readThroughAll(missing, 0, epochs)
        .thenApply(
            found -> {
              collectFound(found, result);
              stats.misses.add(missing.size() - found.size());
              return Collections.unmodifiableMap(result);
            });
  }

  /** Adds the live local values of {@code keys} to {@code result} and returns the missing keys. */
  private Set<K> readLocal(Iterable<? extends K> keys, Map<K, V> result) {
    Objects.requireNonNull(keys, "keys");
    Set<K> missing = new LinkedHashSet<>();
    for (K key : keys) {
      Objects.requireNonNull(key, "keys contains a null key");
      if (result.containsKey(key) || missing.contains(key)) {
        continue;
      }
      Object found = lookupLocal(key);
      if (found == null) {
        missing.add(key);
      } else if (found != LocalTier.CACHED_NULL) {
        result.put(key, TieredCache.<V>valueOf(found));
      }
    }
    return missing;
  }

  private void collectFound(Map<K, TierEntry<V>> found, Map<K, V> result) {
    found.forEach(
        (key, entry) -> {
          recordOtherHit(entry);
          if (entry.value() != null) {
            result.put(key, entry.value());
          }
        });
  }

  private CompletableFuture<Map<K, TierEntry<V>>> readThroughAll(
      Set<K> keys, int index, Map<K, Flight<V>> epochs) {
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
                            epochs.values().forEach(flight -> flight.degraded = true);
                          }
                        }),
            Map.<K, TierEntry<V>>of())
        .thenCompose(
            found -> {
              Map<K, TierEntry<V>> live = new HashMap<>(found);
              live.keySet().retainAll(keys);
              live.forEach((key, entry) -> fillNearer(key, entry, index, epochs.get(key)));
              Set<K> remaining = new LinkedHashSet<>(keys);
              remaining.removeAll(live.keySet());
              return readThroughAll(remaining, index + 1, epochs)
                  .thenApply(
                      further -> {
                        live.putAll(further);
                        return live;
                      });
            });
  }

  // ---- loads --------------------------------------------------------------------------------

  /** Loads {@code key} through single-flight; {@code owner} is the blocking caller's thread. */
  private CompletableFuture<@Nullable V> load(
      K key,
      @Nullable Duration entryTtl,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Executor executor,
      @Nullable Thread owner) {
    Flight<V> flight = newFlight(key, owner);
    Flight<V> existing = flights.putIfAbsent(key, flight);
    if (existing != null) {
      if (owner != null && existing.owner == owner) {
        throw new IllegalStateException(
            "recursive load: the loader of key " + key + " asked cache '" + name + "' for the same key");
      }
      stats.misses.increment();
      stats.coalescedWaits.increment();
      return existing.copy();
    }
    CompletableFuture<@Nullable V> result;
    try {
      result = lead(key, entryTtl, loader, executor, flight);
    } catch (RuntimeException | Error e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete(
        (value, error) -> {
          // Leave the map first: once a waiter sees the result, a new call for the key must start a
          // new flight, never find this finished one (which would look like recursion).
          flights.remove(key, flight);
          if (error != null) {
            flight.completeExceptionally(unwrap(error));
          } else {
            flight.complete(value);
          }
        });
    return flight.copy();
  }

  private CompletableFuture<@Nullable V> lead(
      K key,
      @Nullable Duration entryTtl,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Executor executor,
      Flight<V> flight) {
    if (local != null) {
      // Another flight may have finished between the caller's miss and this flight's registration.
      TierEntry<V> entry = local.peek(key);
      if (entry != null) {
        recordOtherHit(entry);
        return CompletableFuture.completedFuture(entry.value());
      }
    }
    return readThrough(key, 0, flight)
        .thenComposeAsync(
            found -> {
              if (found != null) {
                recordOtherHit(found);
                return CompletableFuture.completedFuture(found.value());
              }
              stats.misses.increment();
              if (leaseTime == null || remotes.isEmpty() || flight.degraded) {
                return loadAndPublish(key, entryTtl, loader, flight, null);
              }
              return loadUnderLease(key, entryTtl, loader, executor, flight, leaseTime);
            },
            executor);
  }

  private CompletableFuture<@Nullable V> loadUnderLease(
      K key,
      @Nullable Duration entryTtl,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Executor executor,
      Flight<V> flight,
      Duration leaseTime) {
    Tier<K, V> shared = remotes.get(remotes.size() - 1);
    CompletableFuture<@Nullable Lease> leaseFuture =
        failOpen(shared, tier -> tier.tryLease(key, leaseTime), null, flight);
    return leaseFuture.thenComposeAsync(
        lease -> {
          if (lease == null && flight.degraded) {
            return loadAndPublish(key, entryTtl, loader, flight, null); // the lock server failed: load unguarded
          }
          if (lease != null) {
            return loadAndPublish(key, entryTtl, loader, flight, lease)
                .whenComplete((value, error) -> failOpen(shared, tier -> tier.releaseLease(lease), null));
          }
          stats.leaseWaits.increment();
          long deadline = System.nanoTime() + leaseMaxWait.toNanos();
          return awaitHolder(key, executor, flight, deadline)
              .thenComposeAsync(
                  found ->
                      found != null
                          ? CompletableFuture.completedFuture(found.value())
                          : loadAndPublish(key, entryTtl, loader, flight, null),
                  executor);
        },
        executor);
  }

  /** Polls the remote tiers, with jitter, for the value the lease holder is loading. */
  private CompletableFuture<@Nullable TierEntry<V>> awaitHolder(
      K key, Executor executor, Flight<V> flight, long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    long poll = leasePoll.toNanos();
    long delay = Math.min(remaining, poll / 2 + ThreadLocalRandom.current().nextLong(poll + 1));
    Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, executor);
    return CompletableFuture.supplyAsync(() -> key, later)
        .thenCompose(k -> readThrough(k, 0, flight))
        .thenCompose(
            found ->
                found != null
                    ? CompletableFuture.completedFuture(found)
                    : awaitHolder(key, executor, flight, deadlineNanos));
  }

  private CompletableFuture<@Nullable V> loadAndPublish(
      K key,
      @Nullable Duration entryTtl,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Flight<V> flight,
      @Nullable Lease lease) {
    long startNanos = ticker.read();
    long startWall = ticker.wallMillis();
    CompletionStage<? extends @Nullable V> stage;
    try {
      stage = Objects.requireNonNull(loader.apply(key), "the loader returned a null future");
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .handle(
            (value, error) -> {
              long took = ticker.read() - startNanos;
              stats.loadNanos.add(took);
              if (error != null) {
                stats.loadFailures.increment();
                return CompletableFuture.<@Nullable V>failedFuture(unwrap(error));
              }
              if (value == null && nullTtl == null) {
                stats.loadFailures.increment();
                return CompletableFuture.<@Nullable V>failedFuture(nullWithoutNullCaching(key));
              }
              stats.loadSuccesses.increment();
              TierEntry<V> entry = newEntry(value, entryTtl, startWall, took, Set.of());
              return publishLoaded(key, entry, flight, lease).thenApply(stored -> (@Nullable V) value);
            })
        .thenCompose(Function.identity())
        .toCompletableFuture();
  }

  private IllegalStateException nullWithoutNullCaching(Object key) {
    return new IllegalStateException(
        "the loader returned null for key "
            + key
            + " of cache '"
            + name
            + "', which does not cache absences: return a value, or set nullTtl(...) on the builder");
  }

  /** Writes a loaded entry to every tier, farthest first, unless an invalidation intervened. */
  private CompletableFuture<Boolean> publishLoaded(
      K key, TierEntry<V> entry, Flight<V> flight, @Nullable Lease lease) {
    if (!isCurrent(flight)) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> chain = CompletableFuture.completedFuture(true);
    // A store that failed this flight's read is not waited for again: the caller gets its value
    // within one timeout, and the next caller finds the breaker's verdict.
    for (int i = flight.degraded ? -1 : remotes.size() - 1; i >= 0; i--) {
      Tier<K, V> tier = remotes.get(i);
      boolean guarded = lease != null && i == remotes.size() - 1;
      chain =
          chain.thenCompose(
              stored -> {
                if (!stored) {
                  return CompletableFuture.completedFuture(false);
                }
                return failOpen(
                    tier,
                    t -> guarded ? t.putUnderLease(key, entry, lease) : t.put(key, entry).thenApply(done -> true),
                    true);
              });
    }
    return chain.thenApply(
        stored -> stored && (local == null || local.putLocalIf(key, entry, () -> isCurrent(flight))));
  }

  private CompletableFuture<Map<K, V>> loadAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader,
      Executor executor,
      @Nullable Thread owner) {
    Map<K, V> result = new LinkedHashMap<>();
    Set<K> missing = readLocal(keys, result);
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(Collections.unmodifiableMap(result));
    }
    Map<K, Flight<V>> led = new LinkedHashMap<>();
    Map<K, Flight<V>> followed = new LinkedHashMap<>();
    for (K key : missing) {
      Flight<V> flight = newFlight(key, owner);
      Flight<V> existing = flights.putIfAbsent(key, flight);
      if (existing == null) {
        led.put(key, flight);
      } else {
        followed.put(key, existing);
      }
    }
    stats.misses.add(followed.size());
    stats.coalescedWaits.add(followed.size());
    CompletableFuture<Void> leading;
    try {
      leading = leadAll(led, bulkLoader, executor);
    } catch (RuntimeException | Error e) {
      leading = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> settled =
        leading.whenComplete(
            (done, error) ->
                led.forEach(
                    (key, flight) -> {
                      flights.remove(key, flight);
                      if (error != null) {
                        flight.completeExceptionally(unwrap(error));
                      } else {
                        flight.complete(null); // keys the bulk loader did not return
                      }
                    }));
    List<CompletableFuture<?>> all = new ArrayList<>(followed.values());
    all.add(settled);
    all.addAll(led.values());
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(
            done -> {
              led.forEach((key, flight) -> addIfValue(result, key, flight.join()));
              followed.forEach((key, flight) -> addIfValue(result, key, flight.join()));
              return Collections.unmodifiableMap(result);
            });
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
      Executor executor) {
    if (led.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return readThroughAll(led.keySet(), 0, led)
        .thenComposeAsync(
            found -> {
              found.forEach(
                  (key, entry) -> {
                    recordOtherHit(entry);
                    led.get(key).complete(entry.value());
                  });
              Set<K> toLoad = new LinkedHashSet<>(led.keySet());
              toLoad.removeAll(found.keySet());
              stats.misses.add(toLoad.size());
              if (toLoad.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              return bulkLoadAndPublish(Collections.unmodifiableSet(toLoad), led, bulkLoader);
            },
            executor);
  }

  private CompletableFuture<Void> bulkLoadAndPublish(
      Set<K> toLoad,
      Map<K, Flight<V>> led,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>> bulkLoader) {
    long startNanos = ticker.read();
    long startWall = ticker.wallMillis();
    CompletionStage<? extends Map<? extends K, ? extends V>> stage;
    try {
      stage = Objects.requireNonNull(bulkLoader.apply(toLoad), "the bulk loader returned a null future");
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .handle(
            (loaded, error) -> {
              long took = ticker.read() - startNanos;
              stats.loadNanos.add(took);
              if (error != null || loaded == null) {
                stats.loadFailures.increment();
                Throwable cause =
                    error != null ? unwrap(error) : new IllegalStateException("the bulk loader returned a null map");
                return CompletableFuture.<Void>failedFuture(cause);
              }
              stats.loadSuccesses.increment();
              Map<K, TierEntry<V>> entries = new LinkedHashMap<>();
              for (K key : toLoad) {
                V value = loaded.get(key);
                if (value != null || nullTtl != null) {
                  TierEntry<V> entry = newEntry(value, null, startWall, took, Set.of());
                  if (isCurrent(led.get(key))) {
                    entries.put(key, entry);
                  }
                }
                led.get(key).complete(value);
              }
              return publishAll(entries, led);
            })
        .thenCompose(Function.identity())
        .toCompletableFuture();
  }

  private CompletableFuture<Void> publishAll(Map<K, TierEntry<V>> entries, Map<K, Flight<V>> flightsByKey) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    boolean degraded = flightsByKey.values().stream().anyMatch(flight -> flight.degraded);
    CompletableFuture<@Nullable Void> chain = CompletableFuture.completedFuture(null);
    for (int i = degraded ? -1 : remotes.size() - 1; i >= 0; i--) {
      Tier<K, V> tier = remotes.get(i);
      chain = chain.thenCompose(done -> failOpen(tier, t -> t.putAll(entries), null));
    }
    return chain.thenAccept(
        done -> {
          if (local != null) {
            entries.forEach((key, entry) -> local.putLocalIf(key, entry, () -> isCurrent(flightsByKey.get(key))));
          }
        });
  }

  // ---- writes and invalidations ---------------------------------------------------------------

  private CompletableFuture<Void> putAsync(K key, V value, @Nullable Duration entryTtl, String[] tags) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (entryTtl != null) {
      requirePositive(entryTtl, "ttl");
    }
    Set<String> tagSet = checkTags(tags);
    stats.puts.increment();
    bump(key);
    TierEntry<V> entry = newEntry(value, entryTtl, ticker.wallMillis(), 0, tagSet);
    return write(
        () -> "put of key " + key,
        tier -> tier.put(key, entry),
        error -> {
          bump(key); // a fill that read the old remote value during the write must lose
          if (local == null) {
            return;
          }
          if (error == null && delivering()) {
            local.putLocal(key, entry);
          } else {
            local.invalidateLocal(key);
          }
        },
        InvalidationChannel.Kind.KEYS,
        () -> encoded(List.of(key)));
  }

  private CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries) {
    Objects.requireNonNull(entries, "entries");
    Map<K, TierEntry<V>> typed = new LinkedHashMap<>();
    long now = ticker.wallMillis();
    entries.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "entries contains a null key");
          Objects.requireNonNull(value, () -> "entries maps key " + key + " to null");
          typed.put(key, newEntry(value, null, now, 0, Set.of()));
        });
    stats.puts.add(typed.size());
    typed.keySet().forEach(this::bump);
    return write(
        () -> "putAll of " + typed.size() + " entries",
        tier -> tier.putAll(typed),
        error -> {
          typed.keySet().forEach(this::bump);
          if (local == null) {
            return;
          }
          boolean keep = error == null && delivering();
          typed.forEach(
              (key, entry) -> {
                if (keep) {
                  local.putLocal(key, entry);
                } else {
                  local.invalidateLocal(key);
                }
              });
        },
        InvalidationChannel.Kind.KEYS,
        () -> encoded(typed.keySet()));
  }

  private CompletableFuture<Void> invalidateAsync(K key) {
    Objects.requireNonNull(key, "key");
    bump(key);
    return write(
        () -> "invalidation of key " + key,
        tier -> tier.invalidate(key),
        error -> {
          bump(key); // a fill that read the remote value before the delete must lose
          if (local != null) {
            local.invalidateLocal(key);
          }
        },
        InvalidationChannel.Kind.KEYS,
        () -> encoded(List.of(key)));
  }

  private CompletableFuture<Void> invalidateAllAsync(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    Set<K> keySet = new LinkedHashSet<>();
    for (K key : keys) {
      keySet.add(Objects.requireNonNull(key, "keys contains a null key"));
    }
    keySet.forEach(this::bump);
    return write(
        () -> "invalidation of " + keySet.size() + " keys",
        tier -> tier.invalidateAll(keySet),
        error -> {
          keySet.forEach(this::bump);
          if (local != null) {
            keySet.forEach(local::invalidateLocal);
          }
        },
        InvalidationChannel.Kind.KEYS,
        () -> encoded(keySet));
  }

  private CompletableFuture<Void> invalidateAllAsync() {
    globalEpoch.incrementAndGet();
    return write(
        () -> "invalidateAll",
        Tier::invalidateAll,
        error -> {
          globalEpoch.incrementAndGet();
          if (local != null) {
            local.invalidateAllLocal();
          }
        },
        InvalidationChannel.Kind.ALL,
        List::of);
  }

  private CompletableFuture<Void> invalidateTagAsync(String tag) {
    checkTag(tag);
    globalEpoch.incrementAndGet();
    return write(
        () -> "invalidation of tag " + tag,
        tier -> tier.invalidateTag(tag),
        error -> {
          globalEpoch.incrementAndGet();
          if (local != null) {
            local.invalidateTagLocal(tag);
          }
        },
        InvalidationChannel.Kind.TAG,
        () -> List.of(tag));
  }

  /**
   * Every write's sequence: {@code remoteWrite} on each remote tier (farthest first), then {@code
   * afterRemotes} with the first failure (or null), then the announcement of {@code announced}
   * keys to other instances (after a failure too: see {@link #announce}). The returned future
   * fails with the first failure.
   *
   * <p>Without remote tiers and without a channel, nothing is waited for: {@code afterRemotes}
   * runs at once, on the calling thread, and no chain of futures is built (a put into a cache that
   * is only in-process allocates a few small objects besides Caffeine's own, not a chain).
   */
  private CompletableFuture<Void> write(
      Supplier<String> what,
      Function<Tier<K, V>, CompletableFuture<Void>> remoteWrite,
      Consumer<@Nullable Throwable> afterRemotes,
      InvalidationChannel.Kind kind,
      Supplier<List<String>> announced) {
    if (remotes.isEmpty() && channel == null) {
      try {
        afterRemotes.accept(null);
        return CompletableFuture.completedFuture(null);
      } catch (Throwable e) { // what the chain's whenComplete would have caught
        return CompletableFuture.failedFuture(e);
      }
    }
    return writeRemotes(what, remoteWrite)
        .whenComplete((done, error) -> afterRemotes.accept(error))
        .handle((done, error) -> error)
        .thenCompose(error -> announce(error, kind, announced.get()));
  }

  /** Runs {@code write} on every remote tier, farthest first; fails with the first error. */
  private CompletableFuture<Void> writeRemotes(
      Supplier<String> what, Function<Tier<K, V>, CompletableFuture<Void>> write) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = remotes.size() - 1; i >= 0; i--) {
      Tier<K, V> tier = remotes.get(i);
      chain =
          chain.thenCompose(
              done -> {
                CompletableFuture<Void> written;
                try {
                  written = write.apply(tier);
                } catch (RuntimeException e) {
                  written = CompletableFuture.failedFuture(e);
                }
                return written.exceptionallyCompose(
                    error -> {
                      Throwable cause = unwrap(error);
                      if (cause instanceof IllegalArgumentException) {
                        return CompletableFuture.failedFuture(cause); // bad input stays what it is
                      }
                      return CompletableFuture.failedFuture(
                          new CacheException(
                              "cache '" + name + "': " + what.get() + " failed on tier '" + tier.name() + "'", cause));
                    });
              });
    }
    return chain;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Flight<V> newFlight(K key, @Nullable Thread owner) {
    int stripe = stripeOf(key);
    return new Flight<>(owner, stripe, stripeEpochs.get(stripe), globalEpoch.get());
  }

  private boolean isCurrent(Flight<V> flight) {
    return stripeEpochs.get(flight.stripe) == flight.stripeEpoch
        && globalEpoch.get() == flight.globalEpoch
        && delivering();
  }

  /** Whether invalidations from other instances reach us; without a channel there are none to miss. */
  private boolean delivering() {
    return channel == null || channel.isDelivering();
  }

  private void bump(K key) {
    stripeEpochs.incrementAndGet(stripeOf(key));
  }

  private static int stripeOf(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  private TierEntry<V> newEntry(
      @Nullable V value, @Nullable Duration entryTtl, long writtenAt, long loadNanos, Set<String> tags) {
    Duration base = value == null ? nullTtl : entryTtl != null ? entryTtl : ttl;
    long expiresAt = TierEntry.NO_EXPIRY;
    if (base != null) {
      long millis = saturatedMillis(base);
      if (jitter > 0) {
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        millis = (long) (millis * factor);
      }
      long now = ticker.wallMillis();
      millis = Math.max(1, millis);
      expiresAt = millis >= TierEntry.NO_EXPIRY - now ? TierEntry.NO_EXPIRY : now + millis;
    }
    return new TierEntry<>(value, expiresAt, writtenAt, loadNanos, tags);
  }

  private static long saturatedMillis(Duration duration) {
    try {
      return duration.toMillis();
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  static void requirePositive(Duration duration, String what) {
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
  }

  private static Set<String> checkTags(String[] tags) {
    Objects.requireNonNull(tags, "tags");
    if (tags.length == 0) {
      return Set.of();
    }
    for (String tag : tags) {
      checkTag(tag);
    }
    return Set.copyOf(Arrays.asList(tags));
  }

  private static void checkTag(String tag) {
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty()) {
      throw new IllegalArgumentException("tag must not be empty");
    }
  }

  /** Like {@link #failOpen(Tier, Function, Object)}, and marks {@code flight} degraded on failure. */
  private <T> CompletableFuture<T> failOpen(
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
   * Called when a remote store comes back after its breaker was open: in-process copies may have
   * missed invalidations meanwhile, so they all go, and fills in flight are discarded.
   */
  public void onStoreRecovered() {
    stats.localFlushes.increment();
    globalEpoch.incrementAndGet();
    if (local != null) {
      local.invalidateAllLocal();
    }
  }

  /** Runs a tier operation, counting a failure and answering {@code fallback} instead. */
  private <T> CompletableFuture<T> failOpen(
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

  private static <K, R> Function<K, CompletionStage<R>> callInline(Function<? super K, ? extends R> loader) {
    return key -> {
      try {
        return CompletableFuture.completedFuture(loader.apply(key));
      } catch (RuntimeException | Error e) {
        return CompletableFuture.failedFuture(e);
      }
    };
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Waits for {@code future} and rethrows its failure as the blocking API promises. */
  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new CacheLoaderException("loader failed with a checked exception", cause);
    }
  }

  private static <T> CompletableFuture<T> async(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (NullPointerException | IllegalArgumentException | IllegalStateException e) {
      throw e; // argument errors are thrown at once, as AsyncCache documents
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The asynchronous view; it shares everything with the enclosing cache. */
  private final class AsyncView implements AsyncCache<K, V> {

    @Override
    public String name() {
      return name;
    }

    @Override
    public CompletableFuture<@Nullable V> getIfPresent(K key) {
      return lookup(key).thenApply(found -> found == null ? null : found.value());
    }

    @Override
    public CompletableFuture<@Nullable Cached<V>> lookup(K key) {
      Object found = lookupLocal(key);
      return found != null
          ? CompletableFuture.completedFuture(new Cached<>(TieredCache.<V>valueOf(found)))
          : lookupRemote(key);
    }

    @Override
    public CompletableFuture<@Nullable V> get(
        K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      return getAsync(key, null, loader);
    }

    @Override
    public CompletableFuture<@Nullable V> get(
        K key, Duration ttl, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      requirePositive(Objects.requireNonNull(ttl, "ttl"), "ttl");
      return getAsync(key, ttl, loader);
    }

    private CompletableFuture<@Nullable V> getAsync(
        K key,
        @Nullable Duration entryTtl,
        Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
      requireKeyAndLoader(key, loader);
      Object found = lookupLocal(key);
      return found != null
          ? CompletableFuture.completedFuture(TieredCache.<V>valueOf(found))
          : load(key, entryTtl, loader, asyncExecutor, null);
    }

    @Override
    public CompletableFuture<Map<K, V>> getAll(Iterable<? extends K> keys) {
      return async(() -> getAllPresent(keys));
    }

    @Override
    public CompletableFuture<Map<K, V>> getAll(
        Iterable<? extends K> keys,
        Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
            bulkLoader) {
      Objects.requireNonNull(bulkLoader, "bulkLoader");
      return async(() -> loadAll(keys, bulkLoader, asyncExecutor, null));
    }

    @Override
    public CompletableFuture<Void> put(K key, V value) {
      return async(() -> putAsync(key, value, null, NO_TAGS));
    }

    @Override
    public CompletableFuture<Void> put(K key, V value, Duration ttl, String... tags) {
      Objects.requireNonNull(ttl, "ttl");
      return async(() -> putAsync(key, value, ttl, tags));
    }

    @Override
    public CompletableFuture<Void> putAll(Map<? extends K, ? extends V> entries) {
      return async(() -> putAllAsync(entries));
    }

    @Override
    public CompletableFuture<Void> invalidate(K key) {
      return async(() -> invalidateAsync(key));
    }

    @Override
    public CompletableFuture<Void> invalidateAll(Iterable<? extends K> keys) {
      return async(() -> invalidateAllAsync(keys));
    }

    @Override
    public CompletableFuture<Void> invalidateAll() {
      return async(TieredCache.this::invalidateAllAsync);
    }

    @Override
    public CompletableFuture<Void> invalidateTag(String tag) {
      return async(() -> invalidateTagAsync(tag));
    }

    @Override
    public CacheStats stats() {
      return TieredCache.this.stats();
    }

    @Override
    public Cache<K, V> synchronous() {
      return TieredCache.this;
    }

    @Override
    public String toString() {
      return "AsyncCache[" + name + "]";
    }
  }
}
