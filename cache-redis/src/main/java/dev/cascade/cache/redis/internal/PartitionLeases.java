package dev.cascade.cache.redis.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This consumer's view of the partition leases. A lease is a Redis key naming the one consumer that
 * may drain a partition, with a time to live of {@code minIdle}; {@link #renewAll} (called every
 * poll interval by one thread) takes free leases and extends held ones.
 *
 * <p>Invariants: this consumer trusts a lease only until {@code minIdle - pollInterval} after the
 * renewal that began last (by the local monotonic clock), so it stops applying changes at least one
 * poll interval before the key can expire and another consumer take it. Each time a lease is taken
 * afresh, or held again after this consumer's trust in it lapsed, its generation grows: the
 * partition's thread then claims the partition's pending changes again before reading new ones, so
 * changes it left half-done are applied first, in order. Thread-safe.
 */
final class PartitionLeases {
  private final WriteBehindStreams streams;
  private final String holder;
  private final Duration leaseTime;
  private final long trustNanos;
  private final AtomicLongArray trustedUntil;
  private final AtomicIntegerArray generation;

  PartitionLeases(WriteBehindStreams streams, ConsumerSettings settings) {
    this.streams = streams;
    this.holder = settings.consumer();
    this.leaseTime = settings.minIdle();
    this.trustNanos = settings.minIdle().minus(settings.pollInterval()).toNanos();
    this.trustedUntil = new AtomicLongArray(settings.partitions());
    this.generation = new AtomicIntegerArray(settings.partitions());
  }

  /**
   * Takes or extends every lease it can, one command per partition, each bounded by the link's
   * timeout; a partition whose command fails keeps its trust until it lapses.
   */
  void renewAll(ConsumerCounters counters) {
    for (int partition = 0; partition < trustedUntil.length(); partition++) {
      long started = System.nanoTime();
      long result;
      try {
        result = streams.keepLease(partition, holder, leaseTime).get(streams.link().timeout().toNanos() * 2, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        counters.redisErrors.increment();
        continue;
      }
      if (result == 0) {
        trustedUntil.set(partition, started);
        continue;
      }
      if (result == 2 || !trusted(partition, started)) {
        generation.incrementAndGet(partition);
      }
      trustedUntil.set(partition, started + trustNanos);
    }
  }

  /** Returns whether this consumer may apply changes of {@code partition} now. */
  boolean trusted(int partition) {
    return trusted(partition, System.nanoTime());
  }

  private boolean trusted(int partition, long now) {
    return trustedUntil.get(partition) - now > 0;
  }

  /** Returns the lease's generation; it changes whenever the partition must be recovered again. */
  int generation(int partition) {
    return generation.get(partition);
  }

  /**
   * Gives up the lease of {@code partition} in Redis so that another consumer takes it at once, and
   * drops this consumer from the partition's group if it has nothing pending.
   */
  void release(int partition) {
    trustedUntil.set(partition, System.nanoTime());
    try {
      streams.releaseLease(partition, holder).get(streams.link().timeout().toNanos() * 2, TimeUnit.NANOSECONDS);
      streams.forgetIdleConsumers(partition, holder, false).get(streams.link().timeout().toNanos() * 2, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the lease then lapses by its TTL: the next consumer waits at most minIdle
    }
  }
}
