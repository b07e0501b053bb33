package dev.cascade.cache.internal;

import static dev.cascade.cache.internal.Futures.async;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.Cached;
import dev.cascade.cache.spi.Checks;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous view of a {@link CacheEngine}; it shares everything with its {@link SyncView}.
 * Loaders are called on the cache's executor (a miss hops there after its remote reads, whose
 * replies are decoded where they complete); the steps after a loader's future (the publish, the
 * caller's continuations) run where that future completes. Argument errors and a closed cache
 * throw at once; every other failure fails the returned future. Thread-safe.
 */
final class AsyncView<K, V> implements AsyncCache<K, V> {
  private final CacheEngine<K, V> engine;
  private final Cache<K, V> synchronous;

  AsyncView(CacheEngine<K, V> engine, Cache<K, V> synchronous) {
    this.engine = engine;
    this.synchronous = synchronous;
  }

  @Override
  public String name() {
    return engine.name;
  }

  @Override
  public CompletableFuture<@Nullable V> getIfPresent(K key) {
    return lookup(key).thenApply(found -> found == null ? null : found.value());
  }

  @Override
  public CompletableFuture<@Nullable Cached<V>> lookup(K key) {
    Object found = engine.lookupLocal(key);
    return found != null
        ? CompletableFuture.completedFuture(new Cached<>(CacheEngine.<V>valueOf(found)))
        : engine.lookupAfterLocalMiss(key);
  }

  @Override
  public CompletableFuture<@Nullable V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    return getAsync(key, null, Set.of(), loader);
  }

  @Override
  public CompletableFuture<@Nullable V> get(
      K key, Duration ttl, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    return getAsync(key, Checks.requirePositive(ttl, "ttl"), Set.of(), loader);
  }

  @Override
  public CompletableFuture<@Nullable V> get(
      K key, Set<String> tags, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    return getAsync(key, null, Entries.checkTags(tags), loader);
  }

  /** A {@code get} whose loaded entry gets {@code ttl} (null: the default) and {@code tags}, both checked. */
  private CompletableFuture<@Nullable V> getAsync(
      K key,
      @Nullable Duration ttl,
      Set<String> tags,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader) {
    SyncView.requireKeyAndLoader(key, loader);
    Object found = engine.lookupLocal(key);
    if (found == null) {
      return engine.load(key, EntrySpec.of(ttl, tags), loader, engine.asyncExecutor, null);
    }
    if (engine.refresher != null) {
      engine.afterLocalHit(key, ttl, tags, loader);
    }
    return CompletableFuture.completedFuture(CacheEngine.<V>valueOf(found));
  }

  @Override
  public CompletableFuture<Map<K, V>> getAll(Iterable<? extends K> keys) {
    engine.ensureOpen();
    return async(() -> engine.bulk.getAllPresent(keys));
  }

  @Override
  public CompletableFuture<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          bulkLoader) {
    Objects.requireNonNull(bulkLoader, "bulkLoader");
    engine.ensureOpen();
    return async(() -> engine.bulk.loadAll(keys, bulkLoader, engine.asyncExecutor, null));
  }

  @Override
  public CompletableFuture<Void> put(K key, V value) {
    engine.ensureOpen();
    return async(() -> engine.writes.put(key, value, null, Set.of()));
  }

  @Override
  public CompletableFuture<Void> put(K key, V value, Duration ttl, String... tags) {
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(tags, "tags");
    engine.ensureOpen();
    return async(() -> engine.writes.put(key, value, ttl, Arrays.asList(tags)));
  }

  @Override
  public CompletableFuture<Void> put(K key, V value, Set<String> tags) {
    Objects.requireNonNull(tags, "tags");
    engine.ensureOpen();
    return async(() -> engine.writes.put(key, value, null, tags));
  }

  @Override
  public CompletableFuture<Void> write(
      K key, V value, BiFunction<? super K, ? super V, ? extends CompletionStage<?>> writer) {
    Objects.requireNonNull(writer, "writer");
    engine.ensureOpen();
    return async(
        () ->
            engine.writeThrough.write(
                key, value, k -> Futures.wrapChecked(k, writer.apply(k, value)), engine.asyncExecutor, null));
  }

  @Override
  public CompletableFuture<Void> delete(K key, Function<? super K, ? extends CompletionStage<?>> deleter) {
    Objects.requireNonNull(deleter, "deleter");
    engine.ensureOpen();
    return async(
        () -> engine.writeThrough.delete(key, k -> Futures.wrapChecked(k, deleter.apply(k)), engine.asyncExecutor, null));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<? extends K, ? extends V> entries) {
    engine.ensureOpen();
    return async(() -> engine.writes.putAll(entries));
  }

  @Override
  public CompletableFuture<Void> invalidate(K key) {
    engine.ensureOpen();
    return async(() -> engine.writes.invalidate(key));
  }

  @Override
  public CompletableFuture<Void> invalidateAll(Iterable<? extends K> keys) {
    engine.ensureOpen();
    return async(() -> engine.writes.invalidateAll(keys));
  }

  @Override
  public CompletableFuture<Void> invalidateAll() {
    engine.ensureOpen();
    return async(engine.writes::invalidateAll);
  }

  @Override
  public CompletableFuture<Void> invalidateTag(String tag) {
    engine.ensureOpen();
    return async(() -> engine.writes.invalidateTag(tag));
  }

  @Override
  public CacheStats stats() {
    return engine.stats();
  }

  @Override
  public Cache<K, V> synchronous() {
    return synchronous;
  }

  @Override
  public String toString() {
    return "AsyncCache[" + engine.name + "]";
  }
}
