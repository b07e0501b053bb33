package dev.cascade.cache.internal;

import static dev.cascade.cache.internal.Futures.await;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheDeleter;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.CacheWriter;
import dev.cascade.cache.Cached;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import java.util.List;
import dev.cascade.cache.spi.Checks;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The blocking view of the engine, and the engine itself (it extends {@link CacheEngine}, as
 * Caffeine's manual cache is its bounded cache, so that an in-process hit starts in the engine's own
 * methods, one field read nearer than a view holding an engine): what {@code CacheBuilder.build()}
 * returns. Misses run
 * the engine's asynchronous path on the calling thread through a {@link CallerRunsLoop}, so a
 * blocking loader always runs in its caller's thread, and so do the decoding of what remote tiers
 * read ({@link CallerHop}); on a cache whose only tier is one remote tier, the lookups that never
 * load wait for that tier on the calling thread instead ({@link ReadThrough#lookupBlocking}), and on
 * a cache with one remote tier, in-process tier or not, so do the misses of {@code get(key, loader)}
 * ({@link BlockingMiss}).
 * Package-private, so that no user code can
 * cast a cache to it. Not final only for {@link EarlyRefreshingView}, which adds early refresh to
 * the hits of {@code get}. Thread-safe.
 */
class SyncView<K, V> extends CacheEngine<K, V> implements Cache<K, V> {
  private final AsyncView<K, V> asyncView;
  /**
   * Whether lookups that miss the in-process tier (there is none) read the one remote tier on the
   * caller's thread ({@link ReadThrough#lookupBlocking}, {@link BulkLoads#getAllPresentBlocking}).
   */
  private final boolean looksUpBlocking;
  private @Nullable CacheInspector inspector;

  SyncView(CacheSettings<K, V> settings, @Nullable LocalTier<K, V> local, List<Tier<K, V>> remotes,
      StatsCounter stats, Events events) {
    super(settings, local, remotes, stats, events);
    this.asyncView = new AsyncView<>(this, this);
    this.looksUpBlocking = reads.readsAligned();
  }

  /** Sets the inspector; called once by the factory, before the cache is returned. */
  void inspector(CacheInspector inspector) {
    this.inspector = inspector;
  }

  @Override
  public String name() {
    return name;
  }

  // On the hit paths of getIfPresent and get(key, loader), the methods that lead to the in-process
  // tier's lookup are small enough for C1 to inline them all, down to Caffeine's own lookup: C1
  // inlines up to 35 bytes of bytecode into the method it compiles and 90 % of its caller's allowance
  // at each level below (31, 27, 24, 21 bytes). HitPathSizeTest holds each method to its limit.
  // Misses leave through other methods. docs/benchmarks.md has the measurements.

  @Override
  public @Nullable V getIfPresent(K key) {
    Object found = lookupLocal(key);
    return found != null ? CacheEngine.valueOf(found) : getIfPresentAfterLocalMiss(key);
  }

  private @Nullable V getIfPresentAfterLocalMiss(K key) {
    Cached<V> found = lookupAfterLocalMissBlocking(key);
    return found == null ? null : found.value();
  }

  /**
   * {@link #lookupAfterLocalMiss} on this thread: straight through the one remote tier where
   * nothing else is read or filled ({@link ReadThrough#lookupBlocking}), else driven by a loop (see
   * {@link CallerRunsLoop#runBlocking}).
   */
  private @Nullable Cached<V> lookupAfterLocalMissBlocking(K key) {
    if (looksUpBlocking) {
      ensureOpen();
      return reads.lookupBlocking(key);
    }
    return await(CallerRunsLoop.runBlocking(loop -> lookupAfterLocalMiss(key)));
  }

  @Override
  public @Nullable Cached<V> lookup(K key) {
    Object found = lookupLocal(key);
    return found != null ? new Cached<>(CacheEngine.valueOf(found)) : lookupAfterLocalMissBlocking(key);
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    return found != null ? CacheEngine.valueOf(found) : loadBlocking(key, null, loader);
  }

  @Override
  public @Nullable V get(K key, Duration ttl, Function<? super K, ? extends @Nullable V> loader) {
    Checks.requirePositive(ttl, "ttl");
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    return found != null ? CacheEngine.valueOf(found) : loadBlocking(key, EntrySpec.of(ttl, Set.of()), loader);
  }

  @Override
  public @Nullable V get(K key, Set<String> tags, Function<? super K, ? extends @Nullable V> loader) {
    Set<String> checked = Entries.checkTags(tags);
    requireKeyAndLoader(key, loader);
    Object found = lookupLocal(key);
    return found != null ? CacheEngine.valueOf(found) : loadBlocking(key, EntrySpec.of(null, checked), loader);
  }

  /** Checks the key, then the loader: the order in which every form of {@code get} checks them. */
  static void requireKeyAndLoader(Object key, Object loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
  }

  /**
   * Serves an in-process miss of a {@code get} with {@code loader} on this thread: led here by
   * {@link BlockingMiss} where the cache has one, else through the miss chain driven by a loop.
   */
  final @Nullable V loadBlocking(
      K key, @Nullable EntrySpec spec, Function<? super K, ? extends @Nullable V> loader) {
    BlockingMiss<K, V> leader = blockingMisses;
    if (leader != null) {
      ensureOpen();
      return leader.load(key, spec, Futures.callInline(loader));
    }
    return await(
        CallerRunsLoop.runBlocking(loop -> load(key, spec, Futures.callInline(loader), loop, Thread.currentThread())));
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    ensureOpen();
    if (looksUpBlocking) {
      return bulk.getAllPresentBlocking(keys);
    }
    return await(CallerRunsLoop.runBlocking(loop -> bulk.getAllPresent(keys)));
  }

  @Override
  public Map<K, V> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    Objects.requireNonNull(bulkLoader, "bulkLoader");
    ensureOpen();
    return await(
        CallerRunsLoop.runBlocking(loop -> bulk.loadAll(keys, Futures.callInline(bulkLoader), loop, Thread.currentThread())));
  }

  @Override
  public void put(K key, V value) {
    ensureOpen();
    await(writes.put(key, value, null, Set.of()));
  }

  @Override
  public void put(K key, V value, Duration ttl, String... tags) {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(tags, "tags");
    ensureOpen();
    await(writes.put(key, value, ttl, Arrays.asList(tags)));
  }

  @Override
  public void put(K key, V value, Set<String> tags) {
    Objects.requireNonNull(tags, "tags");
    ensureOpen();
    await(writes.put(key, value, null, tags));
  }

  @Override
  public void write(K key, V value, CacheWriter<? super K, ? super V> writer) {
    Objects.requireNonNull(writer, "writer");
    ensureOpen();
    await(
        CallerRunsLoop.runBlocking(
            loop ->
                writeThrough.write(
                    key, value, k -> Futures.callWriter(k, () -> writer.write(k, value)), loop, Thread.currentThread())));
  }

  @Override
  public void delete(K key, CacheDeleter<? super K> deleter) {
    Objects.requireNonNull(deleter, "deleter");
    ensureOpen();
    await(
        CallerRunsLoop.runBlocking(
            loop -> writeThrough.delete(key, k -> Futures.callWriter(k, () -> deleter.delete(k)), loop, Thread.currentThread())));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    ensureOpen();
    await(writes.putAll(entries));
  }

  @Override
  public void invalidate(K key) {
    ensureOpen();
    await(writes.invalidate(key));
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    ensureOpen();
    await(writes.invalidateAll(keys));
  }

  @Override
  public void invalidateAll() {
    ensureOpen();
    await(writes.invalidateAll());
  }

  @Override
  public void invalidateTag(String tag) {
    ensureOpen();
    await(writes.invalidateTag(tag));
  }

  @Override
  public CacheStats stats() {
    return super.stats();
  }

  @Override
  public CacheInspector inspect() {
    return java.util.Objects.requireNonNull(inspector, "inspector");
  }

  @Override
  public AsyncCache<K, V> async() {
    return asyncView;
  }

  @Override
  public void close() {
    super.close();
  }

  @Override
  public String toString() {
    return "Cache[" + name + "]";
  }
}
