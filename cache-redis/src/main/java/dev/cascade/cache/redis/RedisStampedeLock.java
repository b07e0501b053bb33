package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.ExpiryMillis;
import dev.cascade.cache.redis.internal.RedisLink;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.LeaseMarker;
import dev.cascade.cache.spi.StampedeLock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The distributed stampede lease on Redis. The lease lives in the entry's own key, as a {@link
 * LeaseMarker} written with {@code SET key marker NX PX lease}: the key is free only while no value
 * and no lease is there, every operation touches one key (so it works unchanged on Redis Cluster),
 * and an invalidation ({@code UNLINK}) or a newer write replaces the marker, which revokes the
 * lease. Publishing and releasing are Lua compare-and-set / compare-and-delete on the holder's
 * token, so a lapsed or revoked holder can neither overwrite a newer value nor delete another
 * holder's lease.
 *
 * <p>A key that holds a value kept for stale serving cannot take that marker, so {@link
 * #tryAcquireOver} takes the lease beside it instead: {@code SET <mutex> marker NX PX lease} on a
 * mutex key of its own, {@code <prefix>:<cache>:#lease:<key>} (a form no entry key can take, since
 * core doubles a key's leading {@code #}). The value stays readable. Publishing under such a lease
 * is a Lua compare-and-set on the value key alone ({@code SET} only while it still holds the value
 * the lease was taken over, compared byte for byte), then a compare-and-delete of the mutex;
 * releasing deletes the mutex only, never the value. Every command still touches one key, so this
 * too works on Redis Cluster, where the mutex may live in another slot than its value. An
 * invalidation ({@code UNLINK}) or a newer write changes the value, so the holder's publish fails;
 * the mutex itself lapses, or is released when the holder's load ends.
 *
 * <p>Leases and TTLs are sent in whole milliseconds, rounded up ({@code PX}): a lease time under
 * 1 ms, which {@code Stampede.leaseTime} accepts, takes the key for 1 ms, and 1.5 ms for 2 ms; the
 * key never lapses before the lease time has passed.
 *
 * <pre>{@code
 * .stampede(Stampede.distributed(RedisStampedeLock.create(redis)))
 * }</pre>
 *
 * <p>Thread-safe. Made by {@code create}, it opens one connection of its own; close it when done.
 * The lock of a {@link RedisBackend} uses the backend's connection, and closing it does nothing.
 */
public final class RedisStampedeLock implements StampedeLock, AutoCloseable {
  /**
   * Compare-and-set on one key: ARGV[1] is what the key must hold (the lease's marker, or the value
   * a lease over a value replaces); Lua strings are length-counted bytes, so the comparison is
   * binary-safe.
   */
  private static final String PUBLISH =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then "
          + "if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2]) "
          + "else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end "
          + "return 1 else return 0 end";
  private static final String MUTEX = "#lease:";
  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

  private final RedisLink link;

  /** A lock on {@code link}; closing the lock closes {@code link}. */
  RedisStampedeLock(RedisLink link) {
    this.link = link;
  }

  /**
   * Returns a lock on {@code client} with a 250 ms command timeout. If Redis cannot be reached now,
   * the lock connects in the background and its calls fail at once until then (see {@link
   * RedisTier.Builder#build()}).
   */
  public static RedisStampedeLock create(RedisClient client) {
    return new RedisStampedeLock(RedisLink.connect(Objects.requireNonNull(client, "client"), Duration.ofMillis(250)));
  }

  /** Returns a lock on the cluster of {@code client} with a 250 ms command timeout. */
  public static RedisStampedeLock create(RedisClusterClient client) {
    return new RedisStampedeLock(RedisLink.connect(Objects.requireNonNull(client, "client"), Duration.ofMillis(250)));
  }

  @Override
  public CompletableFuture<@Nullable Lease> tryAcquire(String key, Duration leaseTime) {
    String token = UUID.randomUUID().toString();
    long expiresAt = System.currentTimeMillis() + leaseTime.toMillis();
    return link.setIfAbsent(key, LeaseMarker.of(token), leaseTime)
        .thenApply(acquired -> acquired ? new Lease(key, token, expiresAt) : null);
  }

  /**
   * Takes the lease beside the value {@code key} holds: {@code SET} of the key's mutex, {@code NX
   * PX leaseTime}. The value is not touched; whether the key still holds {@code present} is checked
   * when the holder publishes.
   */
  @Override
  public CompletableFuture<@Nullable Lease> tryAcquireOver(String key, byte[] present, Duration leaseTime) {
    Objects.requireNonNull(present, "present");
    String token = UUID.randomUUID().toString();
    long expiresAt = System.currentTimeMillis() + leaseTime.toMillis();
    return link.setIfAbsent(mutexKey(key), LeaseMarker.of(token), leaseTime)
        .thenApply(acquired -> acquired ? new Lease(key, token, expiresAt, present) : null);
  }

  @Override
  public CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl) {
    long ttlMillis = ttl == null ? 0 : ExpiryMillis.of(ttl);
    byte[] ttlArg = Long.toString(ttlMillis).getBytes(StandardCharsets.US_ASCII);
    byte[] replaces = lease.replaces();
    if (replaces == null) {
      return link.evalOnKey(PUBLISH, lease.key(), LeaseMarker.of(lease.token()), value, ttlArg)
          .thenApply(written -> written == 1L);
    }
    // The mutex is only cleanup: if deleting it fails, it lapses with the lease; the write stands.
    return link.evalOnKey(PUBLISH, lease.key(), replaces, value, ttlArg)
        .thenCompose(written -> releaseMutex(lease).handle((released, error) -> written == 1L));
  }

  @Override
  public CompletableFuture<Void> release(Lease lease) {
    if (lease.isOverValue()) {
      return releaseMutex(lease);
    }
    return link.evalOnKey(RELEASE, lease.key(), LeaseMarker.of(lease.token())).thenApply(deleted -> null);
  }

  private CompletableFuture<Void> releaseMutex(Lease lease) {
    return link.evalOnKey(RELEASE, mutexKey(lease.key()), LeaseMarker.of(lease.token())).thenApply(deleted -> null);
  }

  /**
   * Returns the key of the mutex beside {@code key}: {@code #lease:} after the namespace ({@code
   * <prefix>:<cache>:}, which holds no other colon), or before a key that has none.
   */
  static String mutexKey(String key) {
    int first = key.indexOf(':');
    int second = first < 0 ? -1 : key.indexOf(':', first + 1);
    return second < 0 ? MUTEX + key : key.substring(0, second + 1) + MUTEX + key.substring(second + 1);
  }

  /**
   * Nothing to do: the lease is stored in the entry's key, which the invalidation that calls this
   * has already unlinked (or a write has replaced), so the holder's publish will fail. A lease over
   * a value fails the same way, since its publish compares the value; its mutex is left to lapse or
   * to its holder's release.
   */
  @Override
  public CompletableFuture<Void> revoke(String key) {
    return CompletableFuture.completedFuture(null);
  }

  /** Closes the lock's connection; does nothing on the lock of a {@link RedisBackend}. */
  @Override
  public void close() {
    link.close();
  }
}
