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
 */
public interface StampedeLock {

  /**
   * Tries to take the lease on {@code key}.
   *
   * @return a future of the lease, or of {@code null} when another holder has it
   */
  CompletableFuture<@Nullable Lease> tryAcquire(String key, Duration leaseTime);

  /**
   * Writes {@code value} under the lease's key with {@code ttl} (or no expiry when {@code null}),
   * atomically with a check that the lease is still held by this token.
   *
   * @return a future of {@code true} if written, {@code false} if the lease was lost or revoked
   */
  CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl);

  /** Releases the lease if, and only if, it is still held by its token. */
  CompletableFuture<Void> release(Lease lease);

  /**
   * Revokes whatever lease is held on {@code key}, so that its holder's publish fails. Called when
   * the key is invalidated.
   */
  CompletableFuture<Void> revoke(String key);
}
