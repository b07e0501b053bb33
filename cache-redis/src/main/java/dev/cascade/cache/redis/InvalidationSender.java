package dev.cascade.cache.redis;

import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.redis.RedisInvalidation.Unacknowledged;
import dev.cascade.cache.redis.internal.RedisLink;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link RedisInvalidation} sends on its broadcast channel, and its acknowledgement policy:
 * numbers invalidations (heartbeats and hellos carry the last number used), decides whom a write
 * waits for ({@link Unacknowledged#FAIL}: every known instance; {@link Unacknowledged#PROCEED}: the
 * responsive ones, the others only expected), counts the writes some instance did not acknowledge
 * in time and ends them as the policy says, and says goodbye.
 *
 * <p>Thread-safe. Invariant: sequence numbers and wire order agree (both are taken under one lock),
 * so receivers never see a false gap; an acknowledgement wait is registered before its message is
 * published.
 */
final class InvalidationSender {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final String instanceId;
  private final String broadcast;
  private final RedisLink publisher;
  private final Duration ackTimeout;
  private final Unacknowledged whenUnacknowledged;
  private final InvalidationPeers peers;
  private final InvalidationAcks acks;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final AtomicLong lastSeq = new AtomicLong();
  private final AtomicLong unacknowledged = new AtomicLong();

  InvalidationSender(
      String instanceId,
      String broadcast,
      RedisLink publisher,
      Duration ackTimeout,
      Unacknowledged whenUnacknowledged,
      InvalidationPeers peers,
      InvalidationAcks acks) {
    this.instanceId = instanceId;
    this.broadcast = broadcast;
    this.publisher = publisher;
    this.ackTimeout = ackTimeout;
    this.whenUnacknowledged = whenUnacknowledged;
    this.peers = peers;
    this.acks = acks;
  }

  /** Returns how many writes some live instance had not acknowledged when they completed. */
  long unacknowledgedCount() {
    return unacknowledged.get();
  }

  /** Returns what a write does when some live instance did not acknowledge it in time. */
  Unacknowledged whenUnacknowledged() {
    return whenUnacknowledged;
  }

  /**
   * Publishes a message of {@code type}; if {@code acknowledged}, completes when the other instances
   * have acknowledged it or after the ack timeout, as the policy says (running {@code
   * unacknowledgedHook} first when some did not), otherwise when it is published.
   */
  CompletableFuture<Void> send(
      String type,
      @Nullable String cache,
      @Nullable String kind,
      List<String> keys,
      boolean acknowledged,
      @Nullable Runnable unacknowledgedHook) {
    sendLock.lock(); // sequence order and wire order must agree, or receivers see false gaps
    try {
      long seq = InvalidationMessage.INVALIDATION.equals(type) ? lastSeq.incrementAndGet() : lastSeq.get();
      byte[] bytes = new InvalidationMessage(InvalidationMessage.VERSION, type, instanceId, seq, cache, kind, keys).toBytes();
      InvalidationAcks.Wait waiting = null;
      if (acknowledged) {
        Set<String> known = peers.known();
        waiting =
            whenUnacknowledged == Unacknowledged.FAIL
                ? acks.expect(seq, known, Set.of())
                : acks.expect(seq, peers.responsive(), known);
      }
      CompletableFuture<Long> published = publisher.publish(broadcast, bytes);
      if (waiting == null) {
        return published.thenApply(receivers -> null);
      }
      return acks.await(published, waiting, ackTimeout, peers::unresponsive)
          .thenCompose(missed -> missed.isEmpty() ? DONE : unacknowledged(cache, kind, keys, missed, unacknowledgedHook));
    } finally {
      sendLock.unlock();
    }
  }

  /** Counts a write {@code missed} did not acknowledge, tells its cache, and ends it as configured. */
  private CompletableFuture<Void> unacknowledged(
      @Nullable String cache, @Nullable String kind, List<String> keys, Set<String> missed, @Nullable Runnable hook) {
    unacknowledged.incrementAndGet();
    if (hook != null) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        // the cache's counter; it must not turn a delivered write into a failed one
      }
    }
    if (whenUnacknowledged == Unacknowledged.PROCEED) {
      return DONE;
    }
    String shown = keys.size() <= 10 ? keys.toString() : keys.subList(0, 10) + " and " + (keys.size() - 10) + " more";
    return CompletableFuture.failedFuture(
        new CacheTimeoutException(
            "invalidation of cache '" + cache + "' (" + kind + " " + shown + ") was not acknowledged within "
                + ackTimeout.toMillis() + " ms by instance(s) " + new TreeSet<>(missed)
                + "; they may still serve the old value",
            null));
  }

  /**
   * Says goodbye (so that receivers need not wait for missed heartbeats) and then, before any other
   * message can be sent, removes {@code self}'s marker key; waits at most a second for each.
   *
   * @throws Exception if either fails or times out
   */
  void sayGoodbye(InvalidationSelfCheck self) throws Exception {
    sendLock.lock();
    try {
      byte[] bye = InvalidationMessage.control(InvalidationMessage.BYE, instanceId, lastSeq.get()).toBytes();
      publisher.publish(broadcast, bye).get(1, TimeUnit.SECONDS);
      self.removeMarker().get(1, TimeUnit.SECONDS); // leave nothing behind
    } finally {
      sendLock.unlock();
    }
  }
}
