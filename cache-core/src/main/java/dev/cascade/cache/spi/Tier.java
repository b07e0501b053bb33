package dev.cascade.cache.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One level of storage for a cache's typed entries, nearest first: an in-process tier ({@link
 * LocalTier}) or a remote store behind core's adapter. The cache's policy calls tiers; tiers hold
 * no policy. A tier never returns an entry whose logical expiry has passed.
 *
 * <p>Decorators (metrics, tracing) implement this interface around another tier without the
 * wrapped tier knowing. Implementations must be thread-safe and fail only through their futures.
 */
public interface Tier<K, V> extends AutoCloseable {

  /** Returns the tier's name within its cache, such as {@code l1} or {@code l2}. */
  String name();

  /** Returns a future of the live entry for {@code key}, or of {@code null}. */
  CompletableFuture<@Nullable TierEntry<V>> get(K key);

  /** Returns a future of the live entries among {@code keys}; missing keys are absent. */
  CompletableFuture<Map<K, TierEntry<V>>> getAll(Set<K> keys);

  /** Stores {@code entry} under {@code key}. */
  CompletableFuture<Void> put(K key, TierEntry<V> entry);

  /** Stores every entry, in one pipeline where the tier can. */
  CompletableFuture<Void> putAll(Map<K, TierEntry<V>> entries);

  /** Removes {@code key}. */
  CompletableFuture<Void> invalidate(K key);

  /** Removes every key of {@code keys}. */
  CompletableFuture<Void> invalidateAll(Set<K> keys);

  /** Removes every entry of this cache, and nothing of any other cache. */
  CompletableFuture<Void> invalidateAll();

  /** Makes every entry written with {@code tag} before this call unreadable. */
  CompletableFuture<Void> invalidateTag(String tag);

  /**
   * Tries to take the distributed lease on loading {@code key}. Tiers without a stampede lock grant
   * every request at once.
   *
   * @return a future of the lease, or of {@code null} when another instance holds it
   */
  default CompletableFuture<@Nullable Lease> tryLease(K key, Duration leaseTime) {
    return CompletableFuture.completedFuture(new Lease("", "", Long.MAX_VALUE));
  }

  /**
   * Stores {@code entry} only while {@code lease} is still held (the stale-set guard). Tiers without
   * a stampede lock store unconditionally.
   *
   * @return a future of whether the entry was stored
   */
  default CompletableFuture<Boolean> putUnderLease(K key, TierEntry<V> entry, Lease lease) {
    return put(key, entry).thenApply(stored -> true);
  }

  /** Releases {@code lease} if it is still held by its token. */
  default CompletableFuture<Void> releaseLease(Lease lease) {
    return CompletableFuture.completedFuture(null);
  }

  /** Releases the tier's own resources, if any; the cache does not call this. */
  @Override
  default void close() {}
}
