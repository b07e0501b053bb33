package dev.cascade.cache.testkit;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.Cached;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A blocking {@link Cache} that does everything through an {@link AsyncCache}, so that the contract
 * written against the blocking API also checks the asynchronous one. Blocking loaders become
 * asynchronous ones that run on a pool of this class's own, as a real asynchronous loader would; a
 * failed future's cause is rethrown unwrapped. Thread-safe.
 */
public final class AsyncBackedCache<K, V> implements Cache<K, V> {
  private final AsyncCache<K, V> async;

  public AsyncBackedCache(AsyncCache<K, V> async) {
    this.async = async;
  }

  @Override
  public String name() {
    return async.name();
  }

  @Override
  public @Nullable V getIfPresent(K key) {
    return join(async.getIfPresent(key));
  }

  @Override
  public @Nullable Cached<V> lookup(K key) {
    return join(async.lookup(key));
  }

  @Override
  public @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader) {
    return join(async.get(key, k -> completed(() -> loader.apply(k))));
  }

  @Override
  public @Nullable V get(K key, Duration ttl, Function<? super K, ? extends @Nullable V> loader) {
    return join(async.get(key, ttl, k -> completed(() -> loader.apply(k))));
  }

  @Override
  public @Nullable V get(K key, Set<String> tags, Function<? super K, ? extends @Nullable V> loader) {
    return join(async.get(key, tags, k -> completed(() -> loader.apply(k))));
  }

  @Override
  public Map<K, V> getAll(Iterable<? extends K> keys) {
    return join(async.getAll(keys));
  }

  @Override
  public Map<K, V> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    return join(async.getAll(keys, missing -> completed(() -> bulkLoader.apply(missing))));
  }

  @Override
  public void put(K key, V value) {
    join(async.put(key, value));
  }

  @Override
  public void put(K key, V value, Duration ttl, String... tags) {
    join(async.put(key, value, ttl, tags));
  }

  @Override
  public void put(K key, V value, java.util.Set<String> tags) {
    join(async.put(key, value, tags));
  }

  @Override
  public void write(K key, V value, dev.cascade.cache.CacheWriter<? super K, ? super V> writer) {
    join(async.write(key, value, (k, v) -> completedWrite(() -> writer.write(k, v))));
  }

  @Override
  public void delete(K key, dev.cascade.cache.CacheDeleter<? super K> deleter) {
    join(async.delete(key, k -> completedWrite(() -> deleter.delete(k))));
  }

  /** A write to the system of record that may throw a checked exception. */
  private interface RecordWrite {
    void run() throws Exception;
  }

  /** Runs {@code write} on the loader pool: its checked exception fails the future as it is. */
  private static CompletableFuture<@Nullable Void> completedWrite(RecordWrite write) {
    return completed(() -> {
      try {
        write.run();
        return null;
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    });
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> entries) {
    join(async.putAll(entries));
  }

  @Override
  public void invalidate(K key) {
    join(async.invalidate(key));
  }

  @Override
  public void invalidateAll(Iterable<? extends K> keys) {
    join(async.invalidateAll(keys));
  }

  @Override
  public void invalidateAll() {
    join(async.invalidateAll());
  }

  @Override
  public void invalidateTag(String tag) {
    join(async.invalidateTag(tag));
  }

  @Override
  public CacheStats stats() {
    return async.stats();
  }

  @Override
  public dev.cascade.cache.CacheInspector inspect() {
    return async.synchronous().inspect();
  }

  @Override
  public AsyncCache<K, V> async() {
    return async;
  }

  @Override
  public void close() {
    async.synchronous().close();
  }

  private static final java.util.concurrent.ExecutorService LOADERS =
      java.util.concurrent.Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "async-backed-loader");
            thread.setDaemon(true);
            return thread;
          });

  private static <T> CompletableFuture<T> completed(java.util.function.Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, LOADERS);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
