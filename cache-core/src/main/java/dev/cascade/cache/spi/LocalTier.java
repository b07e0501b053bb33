package dev.cascade.cache.spi;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * An in-process tier: synchronous, typed, without serialization. The cache calls the synchronous
 * methods on its fast path; the asynchronous ones of {@link Tier} complete at once.
 *
 * <p>{@link #getValueIfPresent}, the cache's hit path, must not allocate on a hit beyond what the
 * underlying map does. Implementations must be thread-safe.
 */
public interface LocalTier<K, V> extends Tier<K, V> {

  /**
   * What {@link #getValueIfPresent} returns for a key that holds a cached {@code null} (a null
   * marker). Compared by identity; never a value of any cache.
   */
  Object CACHED_NULL =
      new Object() {
        @Override
        public String toString() {
          return "CACHED_NULL";
        }
      };

  /** Returns the live entry for {@code key}, or {@code null}. */
  @Nullable TierEntry<V> getIfPresent(K key);

  /**
   * Looks {@code key} up like {@link #getIfPresent} but returns only the value: the live value,
   * {@link #CACHED_NULL} when the key holds a null marker, or {@code null} when the key is absent
   * or expired. The cache's hit path calls this method, so that a tier which stores bare values
   * needs no {@link TierEntry} on a hit; the default derives it from {@link #getIfPresent}. A
   * decorator should forward this method to its delegate's: the default would make a tier that
   * stores bare values build a {@code TierEntry} on every hit.
   */
  default @Nullable Object getValueIfPresent(K key) {
    TierEntry<V> entry = getIfPresent(key);
    if (entry == null) {
      return null;
    }
    V value = entry.value();
    return value == null ? CACHED_NULL : value;
  }

  /**
   * Returns the live entry for {@code key} like {@link #getIfPresent}, for the cache's own second
   * look (after it registered a load), which decorators must not count as a lookup.
   */
  default @Nullable TierEntry<V> peek(K key) {
    return getIfPresent(key);
  }

  /** Stores {@code entry} under {@code key}. */
  void putLocal(K key, TierEntry<V> entry);

  /**
   * Stores {@code entry} under {@code key} unless {@code stillCurrent} answers {@code false} when
   * asked while the key is locked: the hook that lets an invalidation that raced a fill win. (An
   * invalidation of a tag or of everything that does not lock each key may still miss an entry whose
   * check passed before it; the cache then undoes the store with {@link #invalidateEntryLocal}.)
   *
   * @return whether the entry was stored
   */
  boolean putLocalIf(K key, TierEntry<V> entry, java.util.function.BooleanSupplier stillCurrent);

  /** Removes {@code key}. */
  void invalidateLocal(K key);

  /**
   * Removes {@code key} only while it still holds what {@link #putLocalIf} (or {@link #putLocal})
   * stored for this very {@code entry} object, not anything stored after it: the undo of one fill
   * that the cache calls when, once the fill's entry was stored, it finds that an invalidation which
   * drops entries without taking their keys' locks ({@link #invalidateAllLocal}, {@link
   * #invalidateTagLocal}) ran meanwhile and may have missed it. A value a racing put stored after
   * the fill must stay: in a cache without remote tiers it is held nowhere else. Like {@link
   * #putLocalIf}, this must be atomic with respect to other writes of the key.
   *
   * <p>The default removes the key whatever it holds ({@link #invalidateLocal}) and answers {@code
   * true}: never a stale value, but it may drop a value written after the fill, which then costs a
   * miss (or, in a cache whose only tier is in-process, loses that write as an eviction would). A
   * tier should override it, and a decorator forward it, as {@code CaffeineTier} and the cache's own
   * views do.
   *
   * @return whether an entry was removed ({@code false} when the key held something else or nothing)
   */
  default boolean invalidateEntryLocal(K key, TierEntry<V> entry) {
    invalidateLocal(key);
    return true;
  }

  /** Removes every entry. */
  void invalidateAllLocal();

  /** Removes every entry carrying {@code tag}. */
  void invalidateTagLocal(String tag);

  /**
   * Removes the entry whose key encodes to {@code alias} (its string form under the cache's key
   * codec), as named by an invalidation from another instance. A tier without aliases does nothing.
   */
  void invalidateAliasLocal(String alias);

  /** Returns the approximate number of entries. */
  long estimatedSize();

  /** Returns the number of entries evicted for size or expiry so far. */
  long evictionCount();

  /** Performs pending maintenance (evictions, expirations) now, so that sizes are exact. */
  default void cleanUp() {}

  @Override
  default CompletableFuture<@Nullable TierEntry<V>> get(K key) {
    return CompletableFuture.completedFuture(getIfPresent(key));
  }

  @Override
  default CompletableFuture<Map<K, TierEntry<V>>> getAll(Set<K> keys) {
    Map<K, TierEntry<V>> found = new java.util.HashMap<>();
    for (K key : keys) {
      TierEntry<V> entry = getIfPresent(key);
      if (entry != null) {
        found.put(key, entry);
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  @Override
  default CompletableFuture<Void> put(K key, TierEntry<V> entry) {
    putLocal(key, entry);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  default CompletableFuture<Void> putAll(Map<K, TierEntry<V>> entries) {
    entries.forEach(this::putLocal);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  default CompletableFuture<Void> invalidate(K key) {
    invalidateLocal(key);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  default CompletableFuture<Void> invalidateAll(Set<K> keys) {
    keys.forEach(this::invalidateLocal);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  default CompletableFuture<Void> invalidateAll() {
    invalidateAllLocal();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  default CompletableFuture<Void> invalidateTag(String tag) {
    invalidateTagLocal(tag);
    return CompletableFuture.completedFuture(null);
  }
}
