package dev.cascade.cache;

import dev.cascade.cache.spi.Checks;
import dev.cascade.cache.spi.StampedeLock;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a cache protects its loaders from a stampede of concurrent misses. Every cache has
 * single-flight in the JVM ({@link #local()}); {@link #distributed} adds a lease per key across
 * instances, taken in the cache's farthest (shared) tier.
 *
 * <p>With a lease: the caller that wins it loads and publishes under it (a lease that lapsed or was
 * revoked by an invalidation cannot overwrite newer data); the others poll the shared tier with
 * jitter every {@link #pollInterval()} until {@link #maxWait()}, then load themselves. Immutable and
 * thread-safe.
 */
public final class Stampede {
  private static final Stampede LOCAL = new Stampede(null, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  private final @Nullable StampedeLock lock;
  private final Duration leaseTime;
  private final Duration maxWait;
  private final Duration pollInterval;

  private Stampede(@Nullable StampedeLock lock, Duration leaseTime, Duration maxWait, Duration pollInterval) {
    this.lock = lock;
    this.leaseTime = leaseTime;
    this.maxWait = maxWait;
    this.pollInterval = pollInterval;
  }

  /** Single-flight in this JVM only (the default). */
  public static Stampede local() {
    return LOCAL;
  }

  /**
   * Single-flight in this JVM plus a distributed lease per key through {@code lock}; lease time 10
   * s, maximum wait 5 s, poll interval 20 ms (each poll delay drawn between half and one and a half
   * times it). Waits are measured in real time, not by the cache's ticker.
   */
  public static Stampede distributed(StampedeLock lock) {
    return new Stampede(
        Objects.requireNonNull(lock, "lock"), Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(20));
  }

  /**
   * Returns a copy with {@code leaseTime}: how long a holder may load before its lease lapses.
   *
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException on a local stampede setting
   */
  public Stampede leaseTime(Duration leaseTime) {
    requireDistributed();
    Checks.requirePositive(leaseTime, "leaseTime");
    return new Stampede(lock, leaseTime, maxWait, pollInterval);
  }

  /**
   * Returns a copy in which callers that lost the lease wait at most {@code maxWait} (a wait longer
   * than about 73 years counts as 73 years).
   *
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException on a local stampede setting
   */
  public Stampede maxWait(Duration maxWait) {
    requireDistributed();
    Checks.requirePositive(maxWait, "maxWait");
    return new Stampede(lock, leaseTime, maxWait, pollInterval);
  }

  /**
   * Returns a copy in which waiting callers look for the holder's value every {@code pollInterval}
   * (on average; an interval longer than about 73 years counts as 73 years, and no poll waits past
   * {@link #maxWait()}).
   *
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException on a local stampede setting
   */
  public Stampede pollInterval(Duration pollInterval) {
    requireDistributed();
    Checks.requirePositive(pollInterval, "pollInterval");
    return new Stampede(lock, leaseTime, maxWait, pollInterval);
  }

  /** Returns the lock, or {@code null} for local single-flight only. */
  public @Nullable StampedeLock lock() {
    return lock;
  }

  /** Returns the lease time. */
  public Duration leaseTime() {
    return leaseTime;
  }

  /** Returns the longest wait for a lease holder. */
  public Duration maxWait() {
    return maxWait;
  }

  /** Returns the mean poll interval while waiting. */
  public Duration pollInterval() {
    return pollInterval;
  }

  private void requireDistributed() {
    if (lock == null) {
      throw new IllegalStateException("lease options apply to Stampede.distributed(...) only");
    }
  }

  @Override
  public String toString() {
    return lock == null ? "Stampede[local]" : "Stampede[distributed, lease " + leaseTime + "]";
  }
}
