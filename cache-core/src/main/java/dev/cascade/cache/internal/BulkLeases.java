package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.Tier;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The distributed leases of a bulk load: before the bulk loader runs, the lease on each key it will
 * load, asked for all keys at once and never waited for. A key whose lease this load holds is
 * published under it, so that a {@code put}, an invalidation or an {@code invalidateAll} of the key
 * on any instance while the load runs (each revokes the key's lease) keeps the load's value out of
 * the shared tiers, as for a single load ({@link LeaseStep}). A key whose lease another holds, or
 * whose lease could not be asked for (the lock server failed), is still loaded, for the caller, but
 * not published to the remote tiers: only the in-process fill, which the invalidation channel
 * guards, may keep it.
 *
 * <p>Invariants: without a distributed lock, or without remote tiers, {@link #active} is false and
 * no lease is asked for; a lease is asked only for a key whose flight is not degraded; every lease
 * {@link #take} returns is given to {@link #releaseAll} by its caller. Thread-safe.
 */
final class BulkLeases<K, V> {
  private final @Nullable Tier<K, V> lockTier;
  private final @Nullable Duration leaseTime;
  private final ReadThrough<K, V> reads;

  /**
   * @param lockTier the farthest remote tier, which holds the lock; {@code null} without remote tiers
   * @param leaseTime the lease time; {@code null} without a distributed lock
   */
  BulkLeases(@Nullable Tier<K, V> lockTier, @Nullable Duration leaseTime, ReadThrough<K, V> reads) {
    this.lockTier = lockTier;
    this.leaseTime = leaseTime;
    this.reads = reads;
  }

  /** Whether bulk loads take leases: the cache has a distributed lock and a remote tier. */
  boolean active() {
    return lockTier != null && leaseTime != null;
  }

  /**
   * Asks for the lease on every key of {@code keys} whose flight (in {@code flights}) is not
   * degraded; completes, never exceptionally, with the leases granted. A failed request counts as a
   * tier error and marks its flight degraded.
   */
  CompletableFuture<Map<K, Lease>> take(Set<K> keys, Map<K, Flight<V>> flights) {
    Tier<K, V> tier = lockTier;
    Duration time = leaseTime;
    Map<K, Lease> granted = new ConcurrentHashMap<>();
    if (tier == null || time == null) {
      return CompletableFuture.completedFuture(granted);
    }
    CompletableFuture<?>[] asked = new CompletableFuture<?>[keys.size()];
    int i = 0;
    for (K key : keys) {
      Flight<V> flight = flights.get(key);
      asked[i++] =
          flight.degraded
              ? CompletableFuture.completedFuture(null)
              : reads
                  .failOpen(tier, t -> t.tryLease(key, time), null, flight)
                  .thenAccept(
                      lease -> {
                        if (lease != null) {
                          granted.put(key, lease);
                        }
                      });
    }
    return CompletableFuture.allOf(asked).thenApply(all -> granted);
  }

  /**
   * Sends a release for every lease of {@code held}; the lock releases only those still held by
   * their token (a publish under a lease has already ended it).
   */
  void releaseAll(Map<K, Lease> held) {
    Tier<K, V> tier = lockTier;
    if (tier == null) {
      return;
    }
    held.values().forEach(lease -> reads.failOpen(tier, t -> t.releaseLease(lease), null));
  }
}
