package dev.cascade.cache.memcached;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StampedeLock} on memcached's own leases, for caches on a {@link MemcachedTier}.
 *
 * <ul>
 *   <li>{@link #tryAcquire}: {@code mg <key> N<lease seconds>} on a miss creates an empty
 *       placeholder item that lives for the lease time, and exactly one caller gets the win flag
 *       (W); everyone else sees the placeholder marked Z and gets no lease. The lease's token is the
 *       placeholder's CAS value and the namespace version read before it.
 *   <li>{@link #publish}: {@code ms <key> C<cas> F<version>}, so the value is written only over the
 *       lease's own placeholder: if the key was invalidated (deleted), written by someone else or the
 *       lease lapsed and was taken again, the CAS check fails and nothing is written. It carries the
 *       lease's namespace version, and counts as not written if an {@code invalidateAll} (which
 *       leaves the placeholder alone) moved the namespace on meanwhile: the value is never served.
 *   <li>{@link #release}: {@code md <key> C<cas>}: removes the placeholder only if it is still
 *       the lease's own. {@link #revoke}: {@code md <key>}.
 *   <li>{@link #tryAcquireOver}, for a key that holds a value kept for stale serving: {@code mg
 *       <key> R<far> c f t v}. The recache threshold lies past any expiry, so the first caller on
 *       the item gets W (and the item's CAS value, the lease's token) and everyone else Z, while
 *       the value stays served to readers. Publishing is the same {@code ms <key> C<cas> F<version>}, so a
 *       key invalidated or rewritten meanwhile is not overwritten; it writes with the namespace
 *       version the value had, and counts as not written if an {@code invalidateAll} moved the
 *       namespace on meanwhile. Releasing never deletes the value: it writes the same value back
 *       with CAS and its remaining TTL (a new item, without the server's "win sent" mark), so that
 *       the next caller can win. A value of an old namespace generation is not a live value: it is
 *       replaced by a placeholder with CAS, as {@code tryAcquire} does. The server keeps the win
 *       mark until the item is replaced or expires, not for the lease time: a holder that dies
 *       without releasing leaves the others to wait for {@code maxWait} and load themselves.
 * </ul>
 *
 * <p>Take it from {@link MemcachedBackend#stampedeLock()}: one lock serves every cache of the
 * backend, on the backend's connections. The lock must be on the pool whose keys it guards (a lease
 * lives on its key's server): {@link #create(MemcachedTier)} makes one from such a tier, on that
 * tier's connections. Lease times are rounded up to whole seconds. Thread-safe; once the backend is
 * closed, every call fails through its future with {@link IllegalStateException}.
 */
public final class MemcachedStampedeLock implements StampedeLock {
  private final MemcachedTier tier;

  private MemcachedStampedeLock(MemcachedTier tier) {
    this.tier = tier;
  }

  /**
   * Returns a lock whose leases live in {@code tier}'s servers, next to the keys they guard, on the
   * tier's connections (it opens none).
   */
  public static MemcachedStampedeLock create(MemcachedTier tier) {
    return new MemcachedStampedeLock(Objects.requireNonNull(tier, "tier"));
  }

  @Override
  public CompletableFuture<@Nullable Lease> tryAcquire(String key, Duration leaseTime) {
    Objects.requireNonNull(leaseTime, "leaseTime");
    return tier.backend().handOff(tier.store().leases().tryLease(key, leaseTime));
  }

  @Override
  public CompletableFuture<@Nullable Lease> tryAcquireOver(String key, byte[] present, Duration leaseTime) {
    Objects.requireNonNull(present, "present");
    Objects.requireNonNull(leaseTime, "leaseTime");
    return tier.backend().handOff(tier.store().leases().tryLeaseOver(key, present, leaseTime));
  }

  @Override
  public CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl) {
    return tier.backend().handOff(tier.store().leases().publish(lease, value, ttl));
  }

  @Override
  public CompletableFuture<Void> release(Lease lease) {
    return tier.backend().handOff(tier.store().leases().release(lease));
  }

  @Override
  public CompletableFuture<Void> revoke(String key) {
    return tier.backend().handOff(tier.store().delete(key));
  }
}
