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
 * value until a deadline, then loads itself; a poll that finds neither a value nor the lease (an
 * invalidation removed it) takes the lease, reads once more (the holder may have published and
 * released between the poll's read and the lease), and loads under it only if that read finds no
 * value either. When the lock server fails, the load goes on unguarded. The wait and the poll
 * interval count at most {@link Durations#LONGEST_NANOS} each, so that any configured duration works.
 * Without a distributed lock, or once the flight is degraded, the step only hands the miss on.
 * Thread-safe.
 */
final class LeaseStep<K, V> implements MissStep<K, V> {
  private final @Nullable Tier<K, V> shared;
  private final @Nullable Duration leaseTime;
  /** {@code maxWait} and the poll interval, in nanoseconds, at most {@link Durations#LONGEST_NANOS}. */
  private final long maxWaitNanos;
  private final long pollNanos;
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
    this.maxWaitNanos = Durations.nanos(maxWait);
    this.pollNanos = Durations.nanos(poll);
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
              return awaitHolder(lockTier, time, miss, System.nanoTime())
                  .thenComposeAsync(
                      waited -> {
                        if (waited.found() != null) {
                          return CompletableFuture.completedFuture(waited.found().value());
                        }
                        Lease taken = waited.lease();
                        if (taken != null) { // the holder's lease went without a value: ours now
                          miss.lease = taken;
                          return rest.proceed(miss).whenComplete((value, error) -> release(lockTier, taken));
                        }
                        return rest.proceed(miss); // the deadline passed: load unguarded
                      },
                      miss.executor);
            },
            miss.executor);
  }

  private void release(Tier<K, V> lockTier, Lease lease) {
    reads.failOpen(lockTier, tier -> tier.releaseLease(lease), null);
  }

  /** How a wait for the lease holder ended: its value found, the lease taken over, or neither (the deadline). */
  private record Waited<V>(@Nullable TierEntry<V> found, @Nullable Lease lease) {}

  /**
   * Polls the remote tiers, with jitter, for the value the lease holder is loading. When a plain
   * miss's poll finds no value, it tries the lease again: the holder's lease is gone without a value
   * when an invalidation, a write or {@code invalidateAll} removed it (the holder's value will then
   * not be kept), and waiting on would leave every waiter of every instance idle until the deadline,
   * and then load at once.
   */
  private CompletableFuture<Waited<V>> awaitHolder(Tier<K, V> lockTier, Duration time, Miss<K, V> miss, long sinceNanos) {
    long remaining = maxWaitNanos - (System.nanoTime() - sinceNanos); // differences: no overflow
    if (remaining <= 0) {
      return CompletableFuture.completedFuture(new Waited<>(null, null));
    }
    long mean = pollNanos;
    long delay = Math.min(remaining, mean / 2 + ThreadLocalRandom.current().nextLong(mean + 1));
    Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, miss.executor);
    return CompletableFuture.supplyAsync(() -> miss.key, later)
        .thenCompose(key -> reads.read(key, 0, miss.flight()))
        .thenCompose(
            found -> {
              if (isHolders(miss, found)) {
                return CompletableFuture.completedFuture(new Waited<>(found, null));
              }
              if (found != null || miss.trigger != null) {
                return awaitHolder(lockTier, time, miss, sinceNanos);
              }
              return reads
                  .failOpen(lockTier, tier -> tier.tryLease(miss.key, time), null, miss.flight())
                  .thenCompose(
                      lease ->
                          lease != null
                              ? takenOver(lockTier, miss, lease)
                              : awaitHolder(lockTier, time, miss, sinceNanos));
            });
  }

  /**
   * After a poll found no value and then took the lease: reads once more before loading. The poll's
   * read and the lease are two steps, and the holder may have published and released in between (it
   * publishes before it releases, so a read after taking its released lease sees its value); then
   * that value answers and the lease is given back, instead of a second load.
   */
  private CompletableFuture<Waited<V>> takenOver(Tier<K, V> lockTier, Miss<K, V> miss, Lease lease) {
    return reads
        .read(miss.key, 0, miss.flight())
        .thenApply(
            found -> {
              if (isHolders(miss, found)) {
                release(lockTier, lease);
                return new Waited<>(found, null);
              }
              return new Waited<>(null, lease);
            });
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
