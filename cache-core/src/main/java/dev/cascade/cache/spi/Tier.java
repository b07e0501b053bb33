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

  /**
   * Called as a load of an entry with {@code tags} begins, at {@code startedAtMillis} (the write
   * time its entry will carry), before {@link #putLoaded} or {@link #putUnderLease} stores what it
   * produced. A tier that keeps tag records makes sure they exist, creating missing ones as created
   * at {@code startedAtMillis} ({@link TagVersion#created}), so that the load's publish finds a
   * record missing only if the store evicted it (or {@code invalidateAll()} deleted it) while the
   * load ran. The default does nothing.
   *
   * @return a future that completes once the tier is ready for the load's publish
   */
  default CompletableFuture<Void> prepareTags(Set<String> tags, long startedAtMillis) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Stores {@code entry}, which a load produced (the load began at {@code entry.writtenAtMillis()}),
   * under {@code key}. A tier that keeps tag records must not let the entry pass an invalidation of
   * one of its tags made while the load ran, even one whose record the store has evicted since.
   * The default stores it as {@link #put} does.
   */
  default CompletableFuture<Void> putLoaded(K key, TierEntry<V> entry) {
    return put(key, entry);
  }

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
   * Stores {@code entry}, which the lease holder's load produced, only while {@code lease} is still
   * held (the stale-set guard). Tiers without a stampede lock store it unconditionally, as {@link
   * #putLoaded} does.
   *
   * @return a future of whether the entry was stored
   */
  default CompletableFuture<Boolean> putUnderLease(K key, TierEntry<V> entry, Lease lease) {
    return putLoaded(key, entry).thenApply(stored -> true);
  }

  /** Releases {@code lease} if it is still held by its token. */
  default CompletableFuture<Void> releaseLease(Lease lease) {
    return CompletableFuture.completedFuture(null);
  }

  /** Releases the tier's own resources, if any; the cache does not call this. */
  @Override
  default void close() {}
}
