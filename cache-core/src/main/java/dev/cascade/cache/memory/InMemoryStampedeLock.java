package dev.cascade.cache.memory;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StampedeLock} for caches that share one {@link InMemoryRemoteStore}: several cache
 * instances in one JVM get the same lease semantics as service instances sharing a server.
 *
 * <p>Thread-safe. Invariant: a lease's publish and its revocation are serialized on the lease map's
 * entry for the key, so a revoked or lapsed lease never writes; and a lease records the store's
 * count of deletions by prefix when taken, so a lease taken before an {@code invalidateAll()} (which
 * deletes by prefix and revokes no lease one by one) never writes after it.
 */
public final class InMemoryStampedeLock implements StampedeLock {
  private final InMemoryRemoteStore store;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, Held> leases = new ConcurrentHashMap<>();

  /** A lease and the store's count of deletions by prefix when it was taken. */
  private record Held(Lease lease, long prefixDeletions) {}

  private InMemoryStampedeLock(InMemoryRemoteStore store, Ticker ticker) {
    this.store = store;
    this.ticker = ticker;
  }

  /** Returns a lock whose leases guard writes to {@code store} and lapse by {@code ticker}. */
  public static InMemoryStampedeLock create(InMemoryRemoteStore store, Ticker ticker) {
    return new InMemoryStampedeLock(
        Objects.requireNonNull(store, "store"), Objects.requireNonNull(ticker, "ticker"));
  }

  @Override
  public CompletableFuture<@Nullable Lease> tryAcquire(String key, Duration leaseTime) {
    long now = ticker.wallMillis();
    Held candidate = new Held(new Lease(key, UUID.randomUUID().toString(), now + leaseTime.toMillis()), store.prefixDeletions());
    Held holder =
        leases.compute(key, (k, current) -> current == null || current.lease().expiresAtMillis() <= now ? candidate : current);
    return CompletableFuture.completedFuture(holder == candidate ? candidate.lease() : null);
  }

  @Override
  public CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl) {
    boolean[] written = {false};
    long now = ticker.wallMillis();
    leases.computeIfPresent(
        lease.key(),
        (k, current) -> {
          if (current.lease().token().equals(lease.token()) && current.lease().expiresAtMillis() > now) {
            written[0] = store.putUnlessDeletedByPrefixSince(current.prefixDeletions(), k, value, ttl);
          }
          return current;
        });
    return CompletableFuture.completedFuture(written[0]);
  }

  @Override
  public CompletableFuture<Void> release(Lease lease) {
    leases.computeIfPresent(lease.key(), (k, current) -> current.lease().token().equals(lease.token()) ? null : current);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> revoke(String key) {
    leases.remove(key);
    return CompletableFuture.completedFuture(null);
  }
}
