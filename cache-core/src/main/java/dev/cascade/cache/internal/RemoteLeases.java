package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.LeaseMarker;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The leases of one {@link RemoteTier} on its {@link StampedeLock}: asking for one (the plain lease
 * on an empty key, then, where allowed, the lease over a value the key holds), publishing a value
 * under one, and releasing one. Encoding a value is the tier's.
 *
 * <p>Without a lock every lease is granted (a placeholder that no one else is refused) and releasing
 * does nothing; the tier then writes under a lease as it writes otherwise. Invariants: every lock
 * and store call goes through the tier's {@link CircuitGuard}; the lease over a value is asked only
 * in caches that keep entries past their expiry or refresh them before it ({@code
 * leasesOverValues}), and only after the plain lease was refused. Stateless apart from its
 * collaborators; thread-safe.
 */
final class RemoteLeases<K> {
  private final RemoteStore store;
  private final RemoteKeys<K> keys;
  private final @Nullable StampedeLock lock;
  private final CircuitGuard guard;
  /**
   * Whether a lease may be asked for a key that holds a value (the cache keeps entries past their
   * expiry, or refreshes them before it): then a key whose plain lease is refused because a value
   * is there gets the lock's lease over that value.
   */
  private final boolean leasesOverValues;

  RemoteLeases(RemoteStore store, RemoteKeys<K> keys, @Nullable StampedeLock lock, CircuitGuard guard, boolean leasesOverValues) {
    this.store = store;
    this.keys = keys;
    this.lock = lock;
    this.guard = guard;
    this.leasesOverValues = leasesOverValues;
  }

  /** Returns the lease on {@code key} for {@code leaseTime}, or {@code null} if another holds it. */
  CompletableFuture<@Nullable Lease> acquire(K key, Duration leaseTime) {
    if (lock == null) {
      return CompletableFuture.completedFuture(new Lease("", "", Long.MAX_VALUE));
    }
    StampedeLock held = lock;
    String remoteKey = keys.entryKey(key);
    CompletableFuture<@Nullable Lease> plain = guard.call(() -> held.tryAcquire(remoteKey, leaseTime));
    if (!leasesOverValues) {
      return plain;
    }
    return plain.thenCompose(
        lease -> lease != null ? CompletableFuture.completedFuture(lease) : leaseOverValue(held, remoteKey, leaseTime));
  }

  /**
   * After a refused plain lease: if the key holds a value (kept for stale serving, or being
   * refreshed early), the lease over it; if it holds another holder's marker, none; if it emptied
   * meanwhile, one more plain try.
   */
  private CompletableFuture<@Nullable Lease> leaseOverValue(StampedeLock held, String remoteKey, Duration leaseTime) {
    return guard.call(() -> store.get(remoteKey))
        .thenCompose(
            present -> {
              if (present == null) {
                return guard.call(() -> held.tryAcquire(remoteKey, leaseTime));
              }
              if (LeaseMarker.isMarker(present)) {
                return CompletableFuture.completedFuture(null);
              }
              return guard.call(() -> held.tryAcquireOver(remoteKey, present, leaseTime));
            });
  }

  /**
   * Returns whether {@code bytes} were written under {@code lease} (with {@code ttl}, or none if
   * {@code null}). Only with a lock: without one the tier writes as it writes otherwise.
   */
  CompletableFuture<Boolean> publish(Lease lease, byte[] bytes, @Nullable Duration ttl) {
    StampedeLock held = Objects.requireNonNull(lock, "publish needs a lock");
    return guard.call(() -> held.publish(lease, bytes, ttl));
  }

  /** Releases {@code lease}; completes when the lock has (at once without a lock). */
  CompletableFuture<Void> release(Lease lease) {
    StampedeLock held = lock;
    return held == null ? CompletableFuture.completedFuture(null) : guard.call(() -> held.release(lease));
  }
}
