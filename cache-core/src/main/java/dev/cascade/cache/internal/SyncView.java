package dev.cascade.cache.internal;

import static dev.cascade.cache.internal.Futures.await;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheDeleter;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.CacheWriter;
import dev.cascade.cache.Cached;
import dev.cascade.cache.spi.Checks;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The blocking view of a {@link CacheEngine}: what {@code CacheBuilder.build()} returns. Misses run
 * the engine's asynchronous path on the calling thread through a {@link CallerRunsLoop}, so a
 * blocking loader always runs in its caller's thread. Package-private, so that no user code can
 * cast a cache to it. Thread-safe.
 */
final class SyncView<K, V> implements Cache<K, V> {
  private final CacheEngine<K, V> engine;
  private final AsyncView<K, V> asyncView;
  private final CacheInspector inspector;

  SyncView(CacheEngine<K, V> engine, CacheInspector inspector) {
    this.engine = engine;
    this.inspector = inspector;
    this.asyncView = new AsyncView<>(engine, this);
  }

  @Override
  public String name() {
    return engine.name;
  }

  // On the hit paths of getIfPresent and get(key, loader), the methods that lead to the in-process
  // tier's lookup are small enough for C1 to inline them all, down to Caffeine's own lookup: C1
  // inlines up to 35 bytes of bytecode into the method it compiles and 90 % of its caller's allowance
  // at each level below (31, 27, 24, 21 bytes). HitPathSizeTest holds each method to its limit.
  // Misses leave through other methods. docs/benchmarks.md has the measurements.

  @Override
  public @Nullable V getIfPresent(K key) {
    Object found = engine.lookupLocal(key);
    return found != null ? CacheEngine.valueOf(found) : getIfPresentAfterLocalMiss(key);
  }

  private @Nullable V getIfPresentAfterLocalMiss(K key) {
    Cached<V> found = await(engine.lookupAfterLocalMiss(key));
    return found == null ? null : found.value();
  }

  @Override
  public @Nullable Cached<V> lookup(K key) {
    Object found = engine.lookupLocal(key);
    return found != null ? new Cached<>(CacheEngine.valueOf(found)) : await(engine.lookupAfterLocalMiss(key));
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    requireKeyAndLoader(key, loader);
    Object found = engine.lookupLocal(key);
    return found != null ? CacheEngine.valueOf(found) : loadBlocking(key, null, loader);
  }

  @Override
  public @Nullable V get(K key, Duration ttl, Function<? super K, ? extends @Nullable V> loader) {
    Checks.requirePositive(ttl, "ttl");
    requireKeyAndLoader(key, loader);
    Object found = engine.lookupLocal(key);
    return found != null ? CacheEngine.valueOf(found) : loadBlocking(key, ttl, loader);
  }

  /** Checks the key, then the loader: the order in which every form of {@code get} checks them. */
  static void requireKeyAndLoader(Object key, Object loader) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(loader, "loader");
  }

  private @Nullable V loadBlocking(
      K key, @Nullable Duration entryTtl, Function<? super K, ? extends @Nullable V> loader) {
    CallerRunsLoop loop = new CallerRunsLoop();
    return await(
        loop.drive(engine.load(key, entryTtl, Futures.callInline(loader), loop, Thread.currentThread())));
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    engine.ensureOpen();
    return await(engine.bulk.getAllPresent(keys));
  }

  @Override
  public Map<K, V> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    Objects.requireNonNull(bulkLoader, "bulkLoader");
    engine.ensureOpen();
    CallerRunsLoop loop = new CallerRunsLoop();
    return await(
        loop.drive(engine.bulk.loadAll(keys, Futures.callInline(bulkLoader), loop, Thread.currentThread())));
  }

  @Override
  public void put(K key, V value) {
    engine.ensureOpen();
    await(engine.writes.put(key, value, null, Set.of()));
  }

  @Override
  public void put(K key, V value, Duration ttl, String... tags) {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(tags, "tags");
    engine.ensureOpen();
    await(engine.writes.put(key, value, ttl, Arrays.asList(tags)));
  }

  @Override
  public void put(K key, V value, Set<String> tags) {
    Objects.requireNonNull(tags, "tags");
    engine.ensureOpen();
    await(engine.writes.put(key, value, null, tags));
  }

  @Override
  public void write(K key, V value, CacheWriter<? super K, ? super V> writer) {
    Objects.requireNonNull(writer, "writer");
    engine.ensureOpen();
    CallerRunsLoop loop = new CallerRunsLoop();
    await(
        loop.drive(
            engine.writeThrough.write(
                key, value, k -> Futures.callWriter(k, () -> writer.write(k, value)), loop, Thread.currentThread())));
  }

  @Override
  public void delete(K key, CacheDeleter<? super K> deleter) {
    Objects.requireNonNull(deleter, "deleter");
    engine.ensureOpen();
    CallerRunsLoop loop = new CallerRunsLoop();
    await(
        loop.drive(
            engine.writeThrough.delete(
                key, k -> Futures.callWriter(k, () -> deleter.delete(k)), loop, Thread.currentThread())));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    engine.ensureOpen();
    await(engine.writes.putAll(entries));
  }

  @Override
  public void invalidate(K key) {
    engine.ensureOpen();
    await(engine.writes.invalidate(key));
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    engine.ensureOpen();
    await(engine.writes.invalidateAll(keys));
  }

  @Override
  public void invalidateAll() {
    engine.ensureOpen();
    await(engine.writes.invalidateAll());
  }

  @Override
  public void invalidateTag(String tag) {
    engine.ensureOpen();
    await(engine.writes.invalidateTag(tag));
  }

  @Override
  public CacheStats stats() {
    return engine.stats();
  }

  @Override
  public CacheInspector inspect() {
    return inspector;
  }

  @Override
  public AsyncCache<K, V> async() {
    return asyncView;
  }

  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "Cache[" + engine.name + "]";
  }
}
