package dev.cascade.cache.internal;

import dev.cascade.cache.CacheStats;
import dev.cascade.cache.Cached;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The policy engine behind the public views ({@link SyncView}, {@link AsyncView}): it owns the
 * in-process hit path and the open/closed state, and wires the parts that own everything else:
 * the {@link MissChain} (single-key misses), {@link BulkLoads}, the {@link WritePipeline}, {@link
 * WriteThrough}, {@link Coherence} (epochs and the invalidation channel) and {@link ReadThrough}
 * (remote reads).
 *
 * <p>The hit path is {@link #lookupLocal(Object)}: small methods, so that the JIT inlines all of
 * it into a view's {@code getIfPresent} down to Caffeine's own lookup (see docs/benchmarks.md and
 * {@code HitPathSizeTest}). It reads {@link #localLookups} plainly: {@link #close()} sets it to
 * {@code null}, after which every lookup takes a miss path, and every miss path starts with {@link
 * #ensureOpen()}; so every call that happens after {@code close()} throws, and no hit pays for a
 * volatile read. Thread-safe.
 */
class CacheEngine<K, V> {
  final String name;
  private final @Nullable LocalTier<K, V> local;
  /** Where {@link #lookupLocal} looks keys up: {@link #local} until the cache is closed, then null. */
  private @Nullable LocalTier<K, V> localLookups;
  final List<Tier<K, V>> remotes;
  final StatsCounter stats;
  /** {@code stats.localHits}, read on every hit: one dereference fewer there. */
  private final HitCounter localHits;
  final Executor asyncExecutor;
  final Events events;
  final Coherence<K> coherence;
  final ReadThrough<K, V> reads;
  final SingleFlight<K, V> singleFlight;
  final MissChain<K, V> misses;
  /**
   * Serves the misses of blocking loads on the caller's thread, for a cache with one remote tier of
   * Cascade's own and no revalidation of in-process entries; {@code null} otherwise.
   */
  final @Nullable BlockingMiss<K, V> blockingMisses;
  final BulkLoads<K, V> bulk;
  final WritePipeline<K, V> writes;
  final WriteThrough<K, V> writeThrough;
  final Freshness freshness;
  private final dev.cascade.cache.Ticker ticker;
  /** Starts background refreshes; {@code null} unless the cache refreshes early or revalidates. */
  final @Nullable Refresher<K, V> refresher;
  private volatile boolean closed;
  /** What {@link #close()} runs besides its own steps, such as leaving shared circuit breakers. */
  private final List<Runnable> closeHooks = new java.util.concurrent.CopyOnWriteArrayList<>();

  CacheEngine(CacheSettings<K, V> settings, @Nullable LocalTier<K, V> local, List<Tier<K, V>> remotes,
      StatsCounter stats, Events events) {
    this.name = settings.name();
    this.ticker = settings.ticker();
    this.freshness = freshness(settings);
    // with a grace, the tier holds expired entries that only the stale-serving steps may see
    this.local = local != null && freshness.graceMillis() > 0 ? new FreshLocalTier<>(local, freshness) : local;
    this.localLookups = this.local;
    this.remotes = List.copyOf(remotes);
    this.stats = stats;
    this.localHits = stats.localHits;
    this.asyncExecutor = settings.executor();
    this.events = events;
    Entries entries =
        new Entries(
            settings.ttl(),
            settings.jitter(),
            settings.nullTtl(),
            settings.ticker(),
            freshness.graceMillis(),
            settings.random());
    LocalWrites<K, V> localWrites = new LocalWrites<>(this.local, events);
    this.coherence = new Coherence<>(name, settings.channel(), settings.keyCodec(), localWrites, stats, events);
    this.reads = new ReadThrough<>(this.remotes, localWrites, coherence, stats, freshness);
    this.singleFlight = new SingleFlight<>(name, coherence, stats, freshness);
    Publisher<K, V> publisher = new Publisher<>(this.remotes, localWrites, coherence, reads);
    LoadStep<K, V> load = new LoadStep<>(name, entries, publisher, stats, events);
    Tier<K, V> shared = this.remotes.isEmpty() ? null : this.remotes.get(this.remotes.size() - 1);
    Refresher<K, V> refreshes = new Refresher<>(asyncExecutor, stats, settings.ticker());
    LocalRecheck<K, V> localRecheck = new LocalRecheck<>(localWrites, reads, freshness);
    RemoteRead<K, V> remoteRead = new RemoteRead<>(reads, stats, freshness, refreshes);
    List<@Nullable MissStep<K, V>> afterRead =
        java.util.Arrays.asList(
            new LeaseStep<>(
                shared,
                settings.stampedeLock() == null ? null : settings.leaseTime(),
                settings.leaseMaxWait(),
                settings.leasePoll(),
                reads,
                stats,
                freshness),
            freshness.servesStaleOnError() ? new StaleIfError<>(freshness, coherence, stats) : null,
            load);
    List<MissStep<K, V>> afterFlight = steps(localRecheck, remoteRead, afterRead);
    boolean revalidatesLocal = freshness.revalidates() && this.local != null;
    this.misses =
        new MissChain<>(
            steps(
                revalidatesLocal ? new Revalidate<>(localWrites, freshness, refreshes, reads, stats) : null,
                singleFlight,
                afterFlight));
    this.blockingMisses =
        reads.readsOneOwnTier() && !revalidatesLocal
            ? new BlockingMiss<>(
                coherence, singleFlight, localRecheck, reads, remoteRead,
                new MissChain<>(steps(null, null, afterRead)), misses, settings.ticker())
            : null;
    if (freshness.active()) {
      refreshes.chain(new MissChain<>(steps(singleFlight, refreshes, afterFlight)));
      this.refresher = refreshes;
    } else {
      this.refresher = null;
    }
    BulkLeases<K, V> bulkLeases =
        new BulkLeases<>(shared, settings.stampedeLock() == null ? null : settings.leaseTime(), reads);
    this.bulk =
        new BulkLoads<>(
            this::lookupLocal, localWrites, reads, singleFlight, coherence, entries, publisher, load, stats, freshness, bulkLeases);
    this.writes = new WritePipeline<>(name, this.remotes, localWrites, coherence, singleFlight, entries, stats);
    this.writeThrough = new WriteThrough<>(singleFlight, coherence, writes);
  }

  /** Returns the freshness policy {@code settings} describe. */
  static Freshness freshness(CacheSettings<?, ?> settings) {
    return new Freshness(
        settings.earlyRefreshBeta(),
        settings.staleWhileRevalidate(),
        settings.staleIfError(),
        settings.random(),
        settings.ticker());
  }

  /** Returns the non-null steps in order: {@code first}, {@code second}, then {@code rest}. */
  private static <K, V> List<MissStep<K, V>> steps(
      @Nullable MissStep<K, V> first, @Nullable MissStep<K, V> second, List<? extends @Nullable MissStep<K, V>> rest) {
    List<MissStep<K, V>> steps = new java.util.ArrayList<>();
    if (first != null) {
      steps.add(first);
    }
    if (second != null) {
      steps.add(second);
    }
    for (MissStep<K, V> step : rest) {
      if (step != null) {
        steps.add(step);
      }
    }
    return steps;
  }

  // ---- the hit path: every method small (see the class comment) ------------------------------

  /**
   * Looks {@code key} up in the in-process tier, or returns {@code null} when there is none (or the
   * cache is closed): every lookup of the cache's own methods starts here.
   *
   * @throws NullPointerException if {@code key} is null
   */
  @Nullable Object lookupLocal(K key) {
    Objects.requireNonNull(key, "key");
    LocalTier<K, V> nearest = localLookups;
    if (nearest == null) {
      return null;
    }
    return lookupLocal(nearest, key);
  }

  /**
   * Looks {@code key} up in {@code nearest} and counts the lookup exactly once: a hit also counts as
   * a hit of the cache. Returns what {@link LocalTier#getValueIfPresent} returned: {@code null} for
   * a miss, else the value or {@link LocalTier#CACHED_NULL} (see {@link #valueOf}).
   */
  private @Nullable Object lookupLocal(LocalTier<K, V> nearest, K key) {
    try {
      return countLocalLookup(nearest.getValueIfPresent(key));
    } catch (RuntimeException | Error e) {
      stats.localFailures.increment();
      throw e;
    }
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
  static <V> @Nullable V valueOf(Object found) {
    return found == LocalTier.CACHED_NULL ? null : (V) found;
  }

  // ---- after an in-process miss ----------------------------------------------------------------

  /**
   * After an in-process hit of {@code key} by a call with {@code loader}: starts a background
   * refresh, whose entry gets {@code entryTtl} (null: the default) and {@code tags}, if the entry's
   * early refresh is due (see {@link Freshness}). Only the views of a cache that refreshes early call
   * this; it costs a second look at the in-process tier, and allocates only for a refresh.
   */
  void afterLocalHit(
      K key,
      @Nullable Duration entryTtl,
      Set<String> tags,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    TierEntry<V> due = earlyRefreshDue(key);
    if (due != null) {
      startRefresh(key, EntrySpec.of(entryTtl, tags), loader, due);
    }
  }

  /**
   * Returns the in-process entry of {@code key} if its early refresh is due, else {@code null}: the
   * first half of {@link #afterLocalHit}, for a view that makes the loader only when one is.
   */
  @Nullable TierEntry<V> earlyRefreshDue(K key) {
    LocalTier<K, V> nearest = local;
    if (refresher == null || nearest == null || !freshness.refreshesEarly()) {
      return null;
    }
    TierEntry<V> entry = nearest.peek(key);
    long now = freshness.now();
    return entry != null && freshness.isFresh(entry, now) && freshness.isEarlyRefreshDue(entry, now) ? entry : null;
  }

  /** Starts a background refresh of {@code key}, whose entry is {@code trigger}, with {@code loader}. */
  void startRefresh(
      K key,
      @Nullable EntrySpec spec,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      TierEntry<V> trigger) {
    Refresher<K, V> refreshes = refresher;
    if (refreshes != null) {
      refreshes.start(key, spec, loader, trigger);
    }
  }

  /** A lookup that missed the in-process tier (or found none). */
  CompletableFuture<@Nullable Cached<V>> lookupAfterLocalMiss(K key) {
    ensureOpen();
    if (local != null && remotes.isEmpty()) {
      stats.misses.increment();
      return CompletableFuture.completedFuture(null);
    }
    return reads.lookup(key);
  }

  /**
   * Loads {@code key} through the miss chain, the loaded entry as {@code spec} asks ({@code null}:
   * the defaults); {@code owner} is the blocking caller's thread.
   */
  CompletableFuture<@Nullable V> load(
      K key,
      @Nullable EntrySpec spec,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Executor executor,
      @Nullable Thread owner) {
    ensureOpen();
    return misses.serve(new Miss<>(key, spec, loader, executor, owner, ticker.read()));
  }

  // ---- state -----------------------------------------------------------------------------------

  /**
   * @throws IllegalStateException if the cache was closed
   */
  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("cache '" + name + "' is closed");
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Called once the engine is complete: starts listening to other instances. */
  void start() {
    coherence.start();
  }

  /**
   * Closes the cache: stops listening to other instances, empties the in-process tier, refuses
   * every later call and then tells the listeners ({@link Events#closed()}, once however many
   * threads close). Stores, locks and channels belong to their backend and stay open. Idempotent.
   */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    localLookups = null;
    try {
      coherence.stop();
      closeHooks.forEach(Runnable::run);
      coherence.bumpAll(); // a load still running must not fill the emptied tier after this
      if (local != null) {
        local.invalidateAllLocal(); // frees the memory now, not when the cache is collected
      }
    } finally {
      events.closed(); // after the cache stopped serving, so that listeners may release its meters
    }
  }

  /** Adds {@code hook} to what {@link #close()} runs; called by the factory while building. */
  void onClose(Runnable hook) {
    closeHooks.add(hook);
  }

  /** Called when a remote store comes back after its breaker was open. */
  void onStoreRecovered() {
    coherence.flushLocal("a remote tier came back after its circuit breaker was open");
  }

  @Nullable LocalTier<K, V> localTier() {
    return local;
  }

  CacheStats stats() {
    return stats.snapshot(local == null ? 0 : local.evictionCount());
  }
}
