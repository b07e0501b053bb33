package dev.cascade.cache;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous view of a {@link Cache}: the same operations and semantics, each returning a
 * {@link CompletableFuture}. Methods never throw for a failed operation; they fail the future
 * (argument checks such as a {@code null} key still throw at once).
 *
 * <p>Loaders return a {@link CompletionStage}; they are called on the cache's executor ({@link
 * CacheBuilder#executor}, by default the common pool), so never on a client library's I/O thread
 * unless that executor runs tasks in place ({@code executor(Runnable::run)}, for loaders that never
 * block). They should not block when the executor is shared. Concurrent calls for one key share one
 * load; a failed load is not cached. After {@link Cache#close()} every method but {@link #name()},
 * {@link #stats()} and {@link #synchronous()} throws {@link IllegalStateException} at once.
 *
 * <p>A returned future completes on the thread that finished the work: the caller's for an
 * in-process hit; for a remote hit, the thread that completed the store's reply (for Redis,
 * Lettuce's I/O thread; for Memcached, its I/O thread, or the backend's {@code completionExecutor}
 * if one is set); for a load, the executor's or the loader's. Dependent stages that block should
 * therefore run on an executor of your own ({@code thenApplyAsync(fn, executor)}), as with the
 * client libraries' own futures. Thread-safe.
 */
public interface AsyncCache<K, V> {

  /** Returns the cache's name. */
  String name();

  /** See {@link Cache#getIfPresent}. */
  CompletableFuture<@Nullable V> getIfPresent(K key);

  /** See {@link Cache#lookup}. */
  CompletableFuture<@Nullable Cached<V>> lookup(K key);

  /** See {@link Cache#get}; the loader's future is shared by all concurrent callers of the key. */
  CompletableFuture<@Nullable V> get(
      K key, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader);

  /** See {@link Cache#get(Object, Duration, Function)}. */
  CompletableFuture<@Nullable V> get(
      K key, Duration ttl, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader);

  /**
   * See {@link Cache#get(Object, Set, Function)}: what this call loads is stored with {@code tags}.
   *
   * @throws NullPointerException if {@code key}, {@code tags}, a tag or {@code loader} is null
   * @throws IllegalArgumentException if a tag is empty
   */
  CompletableFuture<@Nullable V> get(
      K key, Set<String> tags, Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader);

  /** See {@link Cache#getAll(Iterable)}. */
  CompletableFuture<Map<K, V>> getAll(Iterable<? extends K> keys);

  /** See {@link Cache#getAll(Iterable, Function)}. */
  CompletableFuture<Map<K, V>> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends CompletionStage<? extends Map<? extends K, ? extends V>>>
          bulkLoader);

  /** See {@link Cache#put(Object, Object)}. */
  CompletableFuture<Void> put(K key, V value);

  /** See {@link Cache#put(Object, Object, Duration, String...)}. */
  CompletableFuture<Void> put(K key, V value, Duration ttl, String... tags);

  /** See {@link Cache#put(Object, Object, Set)}. */
  CompletableFuture<Void> put(K key, V value, Set<String> tags);

  /**
   * See {@link Cache#write}: {@code writer}'s stage must complete once the system of record took
   * the value; the cache changes only then.
   */
  CompletableFuture<Void> write(
      K key, V value, java.util.function.BiFunction<? super K, ? super V, ? extends CompletionStage<?>> writer);

  /** See {@link Cache#delete}: the cache changes only once {@code deleter}'s stage completed. */
  CompletableFuture<Void> delete(K key, Function<? super K, ? extends CompletionStage<?>> deleter);

  /** See {@link Cache#putAll}. */
  CompletableFuture<Void> putAll(Map<? extends K, ? extends V> entries);

  /** See {@link Cache#invalidate}. */
  CompletableFuture<Void> invalidate(K key);

  /** See {@link Cache#invalidateAll(Iterable)}. */
  CompletableFuture<Void> invalidateAll(Iterable<? extends K> keys);

  /**
   * See {@link Cache#invalidateAll()}; where that throws {@link UnsupportedOperationException}, the
   * returned future fails with it.
   */
  CompletableFuture<Void> invalidateAll();

  /** See {@link Cache#invalidateTag}. */
  CompletableFuture<Void> invalidateTag(String tag);

  /** Returns a snapshot of the cache's statistics. */
  CacheStats stats();

  /** Returns the blocking view of this cache. */
  Cache<K, V> synchronous();
}
