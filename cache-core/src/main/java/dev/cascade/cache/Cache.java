package dev.cascade.cache;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A cache of keys to values over one or more tiers (an in-process tier, remote tiers, or both),
 * with TTLs, tags, single-flight loading and statistics. Build one with {@link #builder(String)}.
 *
 * <pre>{@code
 * Cache<Long, User> users = Cache.<Long, User>builder("users")
 *     .inMemory(m -> m.maximumSize(10_000))
 *     .ttl(Duration.ofMinutes(5))
 *     .build();
 * User u = users.get(42L, id -> repository.findUser(id));
 * }</pre>
 *
 * <p>Reads go nearest tier first and fill nearer tiers on the way back; writes and invalidations
 * reach every tier. At most one loader per key runs at a time in this JVM; concurrent callers for
 * that key wait for its result. A loader's runtime exception reaches every waiting caller unchanged
 * and nothing is cached; a checked one is wrapped in {@link CacheLoaderException}. A remote tier
 * that fails a read counts the error and is treated as a miss; a failed write or invalidation of a
 * remote tier is thrown as a {@link CacheException} after the in-process copy was dropped: a {@link
 * CacheTimeoutException} when the tier did not answer in time, a {@link CacheUnavailableException}
 * when it could not be reached or its circuit breaker is open.
 *
 * <p>Keys and values are never {@code null}; a {@code null} key or value throws {@link
 * NullPointerException}. After {@link #close()} every operation on entries throws {@link
 * IllegalStateException}. Instances are thread-safe.
 */
public interface Cache<K, V> extends AutoCloseable {

  /** Returns a builder of a cache named {@code name}; the name prefixes every remote key. */
  static <K, V> CacheBuilder<K, V> builder(String name) {
    return new CacheBuilder<>(name);
  }

  /** Returns the cache's name. */
  String name();

  /**
   * Returns the cached value of {@code key}, or {@code null} if there is none or the cache holds an
   * absence for it (use {@link #lookup} to tell the two apart). Never loads.
   */
  @Nullable V getIfPresent(K key);

  /** Returns what the cache holds for {@code key}, or {@code null} on a miss. Never loads. */
  @Nullable Cached<V> lookup(K key);

  /**
   * Returns the cached value of {@code key}, loading it with {@code loader} on a miss. The loader
   * runs in the calling thread; only one caller per key loads at a time, the others wait for it.
   *
   * @return the value, or {@code null} if the loader returned {@code null} and the cache caches
   *     absences
   * @throws IllegalStateException if the loader returned {@code null} and the cache does not cache
   *     absences, or if the loader asks this cache for the same key (recursive load)
   * @throws CacheLoaderException if the loader threw a checked exception
   */
  @Nullable V get(K key, Function<? super K, ? extends @Nullable V> loader);

  /**
   * Like {@link #get(Object, Function)}, but a value loaded by this call gets {@code ttl} (jittered)
   * instead of the default TTL.
   *
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  @Nullable V get(K key, Duration ttl, Function<? super K, ? extends @Nullable V> loader);

  /**
   * Like {@link #get(Object, Function)}, but what this call loads (a value, or an absence if the
   * cache caches absences) is stored with {@code tags}, as {@link #put(Object, Object, Set)} stores
   * a value: an {@link #invalidateTag} of any of them drops it. Like every load, it is stored only if
   * nothing invalidated the key, a tag or the whole cache while it loaded (it is still returned to
   * the callers waiting for it); this is the way to cache a loaded value with tags without a second,
   * unconditional write after the load. A background refresh started by this call (early refresh,
   * stale-while-revalidate) stores its value with the same tags. A value the cache holds already is
   * returned as it is, with the tags it was stored with.
   *
   * @throws NullPointerException if {@code key}, {@code tags}, a tag or {@code loader} is null
   * @throws IllegalArgumentException if a tag is empty
   * @throws IllegalStateException as {@link #get(Object, Function)}
   * @throws CacheLoaderException as {@link #get(Object, Function)}
   */
  @Nullable V get(K key, Set<String> tags, Function<? super K, ? extends @Nullable V> loader);

  /** Returns the cached values of those {@code keys} that are present; never loads. */
  Map<K, V> getAll(Iterable<? extends K> keys);

  /**
   * Returns the values of {@code keys}, loading all missing ones with one call of {@code
   * bulkLoader}, which receives exactly the keys no tier had. Keys the loader does not return are
   * absent from the result (and cached as absent if the cache caches absences); keys it returns
   * that were not asked for are ignored.
   */
  Map<K, V> getAll(
      Iterable<? extends K> keys,
      Function<? super Set<K>, ? extends Map<? extends K, ? extends V>> bulkLoader);

  /** Stores {@code value} under {@code key} with the cache's default TTL. */
  void put(K key, V value);

  /**
   * Stores {@code value} under {@code key} with its own {@code ttl} (jittered like every TTL) and
   * {@code tags}.
   *
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  void put(K key, V value, Duration ttl, String... tags);

  /**
   * Stores {@code value} under {@code key} with the cache's default TTL and {@code tags}.
   *
   * @throws IllegalArgumentException if a tag is empty
   */
  void put(K key, V value, Set<String> tags);

  /**
   * Write-through: stores {@code value} under {@code key} in the system of record with {@code
   * writer} (called on this thread), and only if that succeeded puts it into every tier and tells
   * the other instances; when this returns, every instance's next read sees {@code value}. If
   * {@code writer} throws, every tier is left unchanged and the exception reaches the caller (a
   * checked one wrapped in {@link CacheWriterException}). A load of the key in this JVM that began
   * before the write finishes before the writer is called, and its value is then overwritten; a
   * load that asks during the write gets {@code value}. Loads racing in other instances cannot
   * publish an older value when the cache has a distributed stampede lock (the put revokes their
   * lease). See docs/writes.md.
   *
   * @throws CacheException if the system of record took the value but a remote tier did not (the
   *     in-process copy is dropped then)
   * @throws IllegalStateException if called from a blocking loader or writer of the same key (an
   *     asynchronous one that waits for its own key is not detected and never completes)
   */
  void write(K key, V value, CacheWriter<? super K, ? super V> writer);

  /**
   * Write-through delete: deletes {@code key} from the system of record with {@code deleter}, and
   * only if that succeeded invalidates it in every tier and instance. Ordered with loads of the key
   * as {@link #write} is; a load that asks during the delete loads afresh after it. If {@code
   * deleter} throws, every tier is left unchanged and the exception reaches the caller.
   */
  void delete(K key, CacheDeleter<? super K> deleter);

  /** Stores every entry of {@code entries} with the default TTL, in one pipeline per tier. */
  void putAll(Map<? extends K, ? extends V> entries);

  /** Removes {@code key} from every tier. */
  void invalidate(K key);

  /** Removes every key of {@code keys} from every tier. */
  void invalidateAll(Iterable<? extends K> keys);

  /**
   * Removes every entry of this cache from every tier, and nothing of any other cache.
   *
   * @throws UnsupportedOperationException if a remote store cannot remove a whole cache of this
   *     layout (raw values on memcached, which cannot list keys: docs/interop.md); the in-process
   *     tiers, this instance's and, through the invalidation channel, the others', are emptied all
   *     the same, and the remote entries stay until their TTL
   */
  void invalidateAll();

  /** Makes every entry written with {@code tag} before this call unreadable in every tier. */
  void invalidateTag(String tag);

  /** Returns a snapshot of the cache's statistics since it was built. */
  CacheStats stats();

  /** Returns the asynchronous view of this cache; both views share entries and statistics. */
  AsyncCache<K, V> async();

  /**
   * Returns a read-only, live look into the cache's tiers, counts, circuit breakers and loads in
   * flight; it stays readable after {@link #close()}.
   */
  CacheInspector inspect();

  /**
   * Closes the cache: it stops listening to other instances' invalidations, drops its in-process
   * entries and refuses every later call except {@link #name()}, {@link #stats()}, {@link
   * #inspect()}, {@link #async()} and {@code close()} itself, which throw nothing (a second close
   * does nothing). Stores, stampede locks and invalidation channels given to the builder are not
   * closed: they belong to their backend and may serve other caches. Loads in flight finish.
   */
  @Override
  void close();
}
