package dev.cascade.cache.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A distributed lease per key so that at most one instance loads a key at a time, and the
 * conditional publish that makes a lost or revoked lease harmless: a holder whose lease lapsed or
 * was revoked (because the key was invalidated while it loaded) cannot overwrite newer data.
 *
 * <p>The lock saves work; correctness comes from {@link #publish}. Implementations must be
 * thread-safe and must fail only through the returned futures.
 *
 * <p>A cache's {@code invalidateAll()} revokes no lease one by one: it empties the cache's namespace
 * in its store ({@link RemoteStore#deleteByPrefix}). A lease granted before it must not publish
 * after it; the project's locks get that by keeping the lease in the entry's key (Redis), by the
 * store's namespace version (Memcached), or by counting the store's deletions by prefix ({@code
 * InMemoryStampedeLock}). A lock that keeps its leases elsewhere must do the same.
 */
public interface StampedeLock {

  /**
   * Tries to take the lease on {@code key}.
   *
   * @return a future of the lease, or of {@code null} when another holder has it
   */
  CompletableFuture<@Nullable Lease> tryAcquire(String key, Duration leaseTime);

  /**
   * Tries to take the lease on {@code key} while it holds the value {@code present}, kept there for
   * stale serving (stale-while-revalidate, stale-if-error, early refresh): core calls this when
   * {@link #tryAcquire} granted nothing because the key holds a value. A lease granted here is
   * {@linkplain Lease#isOverValue() over that value}:
   *
   * <ul>
   *   <li>the value stays readable until the holder publishes;
   *   <li>{@link #publish} succeeds only while the key still holds {@code present} (or, where the
   *       server versions its items, the version the lease was taken on): a key invalidated or
   *       rewritten meanwhile is not overwritten (the stale-set guard);
   *   <li>{@link #release} without a publish leaves the value in place, and the lease can be taken
   *       again.
   * </ul>
   *
   * <p>At most one caller holds the lease over a value at a time. A lock may answer with a lease
   * on an empty key instead (for instance when the value is gone, or belongs to an invalidated
   * generation), or with {@code null} when the key no longer holds {@code present}. The default
   * calls {@link #tryAcquire}, which suits a lock whose leases do not live in the entry's key.
   *
   * @param key the remote key
   * @param present the bytes the key holds, as just read from the store; not modified
   * @param leaseTime how long the lease lasts unless released or published first
   * @return a future of the lease, or of {@code null} when another holder has it; it fails, never
   *     this method, when the server cannot be reached
   */
  default CompletableFuture<@Nullable Lease> tryAcquireOver(String key, byte[] present, Duration leaseTime) {
    return tryAcquire(key, leaseTime);
  }

  /**
   * Writes {@code value} under the lease's key with {@code ttl} (or no expiry when {@code null}),
   * atomically with a check that the lease is still held by this token (for a lease over a value:
   * that the key still holds the value it replaces). Ends the lease.
   *
   * @return a future of {@code true} if written, {@code false} if the lease was lost or revoked
   */
  CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl);

  /**
   * Releases the lease if, and only if, it is still held by its token. Releasing a lease over a value
   * never removes that value.
   */
  CompletableFuture<Void> release(Lease lease);

  /**
   * Revokes whatever lease is held on {@code key}, so that its holder's publish fails. Called when
   * the key is invalidated.
   */
  CompletableFuture<Void> revoke(String key);
}
