package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The distributed stampede step: takes the lease on the key in the farthest (shared) tier, so that
 * one instance loads it; the holder's load publishes under the lease (the stale-set guard) and
 * releases it. A caller that loses the lease polls the remote tiers, with jitter, for the holder's
 * value until a deadline, then loads itself. When the lock server fails, the load goes on unguarded.
 * Without a distributed lock, or once the flight is degraded, the step only hands the miss on.
 * Thread-safe.
 */
final class LeaseStep<K, V> implements MissStep<K, V> {
  private final @Nullable Tier<K, V> shared;
  private final @Nullable Duration leaseTime;
  private final Duration maxWait;
  private final Duration poll;
  private final ReadThrough<K, V> reads;
  private final StatsCounter stats;
  private final Freshness freshness;

  /**
   * @param shared the farthest remote tier, which holds the lock; {@code null} without remote tiers
   * @param leaseTime the lease time; {@code null} without a distributed lock
   */
  LeaseStep(
      @Nullable Tier<K, V> shared,
      @Nullable Duration leaseTime,
      Duration maxWait,
      Duration poll,
      ReadThrough<K, V> reads,
      StatsCounter stats,
      Freshness freshness) {
    this.shared = shared;
    this.leaseTime = leaseTime;
    this.maxWait = maxWait;
    this.poll = poll;
    this.reads = reads;
    this.stats = stats;
    this.freshness = freshness;
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    Tier<K, V> lockTier = shared;
    Duration time = leaseTime;
    Flight<V> flight = miss.flight();
    if (lockTier == null || time == null || flight.degraded) {
      return rest.proceed(miss);
    }
    return reads
        .failOpen(lockTier, tier -> tier.tryLease(miss.key, time), null, flight)
        .thenComposeAsync(
            lease -> {
              if (lease == null && flight.degraded) {
                return rest.proceed(miss); // the lock server failed: load unguarded
              }
              if (lease != null) {
                miss.lease = lease;
                return rest.proceed(miss).whenComplete((value, error) -> release(lockTier, lease));
              }
              stats.leaseWaits.increment();
              long deadline = System.nanoTime() + maxWait.toNanos();
              return awaitHolder(miss, deadline)
                  .thenComposeAsync(
                      found ->
                          found != null ? CompletableFuture.completedFuture(found.value()) : rest.proceed(miss),
                      miss.executor);
            },
            miss.executor);
  }

  private void release(Tier<K, V> lockTier, Lease lease) {
    reads.failOpen(lockTier, tier -> tier.releaseLease(lease), null);
  }

  /** Polls the remote tiers, with jitter, for the value the lease holder is loading. */
  private CompletableFuture<@Nullable TierEntry<V>> awaitHolder(Miss<K, V> miss, long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    long mean = poll.toNanos();
    long delay = Math.min(remaining, mean / 2 + ThreadLocalRandom.current().nextLong(mean + 1));
    Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, miss.executor);
    return CompletableFuture.supplyAsync(() -> miss.key, later)
        .thenCompose(key -> reads.read(key, 0, miss.flight()))
        .thenCompose(
            found ->
                isHolders(miss, found) ? CompletableFuture.completedFuture(found) : awaitHolder(miss, deadlineNanos));
  }

  /**
   * Whether {@code found} is the holder's value: a fresh entry, and for a refresh one that replaces
   * the entry the refresh was started for (the old one may still be there, kept for stale serving).
   */
  private boolean isHolders(Miss<K, V> miss, @Nullable TierEntry<V> found) {
    if (found == null) {
      return false;
    }
    long now = freshness.now();
    TierEntry<V> trigger = miss.trigger;
    return trigger != null ? freshness.supersedes(found, trigger, now) : freshness.isFresh(found, now);
  }
}
