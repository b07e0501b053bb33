package dev.cascade.cache.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the engine tells an operator, through {@link System.Logger} (no dependency; route it to
 * SLF4J or Log4j with their {@code System.Logger} bridges, or configure {@code java.util.logging},
 * the JDK's default). Logger names: {@code dev.cascade.cache.breaker} (a circuit breaker opened or
 * closed), {@code dev.cascade.cache.coherence} (an in-process tier flushed, and why), {@code
 * dev.cascade.cache.codec} (remote values rejected, at most one line per tier per {@link
 * #REJECTION_INTERVAL_NANOS}, with the count since the last line), {@code dev.cascade.cache.writes}
 * (writes and invalidations that failed on a remote tier). Nothing is logged on a hit path.
 * Thread-safe.
 */
final class OperatorLog {
  static final Logger BREAKER = System.getLogger("dev.cascade.cache.breaker");
  static final Logger COHERENCE = System.getLogger("dev.cascade.cache.coherence");
  static final Logger CODEC = System.getLogger("dev.cascade.cache.codec");
  static final Logger WRITES = System.getLogger("dev.cascade.cache.writes");
  /** At most one line about rejected values per tier in this time: 10 s. */
  static final long REJECTION_INTERVAL_NANOS = 10_000_000_000L;

  private OperatorLog() {}

  /**
   * Counts rejected remote values of one tier and logs them at most once per interval. Invariant:
   * {@code lastLineAt} is the time of the last line (or {@code Long.MIN_VALUE}), {@code
   * unreported} the rejections since; a line is written by the one caller whose CAS moves {@code
   * lastLineAt}.
   */
  static final class RejectionLog {
    private final String tier;
    private final AtomicLong lastLineAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unreported = new AtomicLong();

    RejectionLog(String tier) {
      this.tier = tier;
    }

    void rejected(String remoteKey, long nowNanos) {
      unreported.incrementAndGet();
      long last = lastLineAt.get();
      if ((last == Long.MIN_VALUE || nowNanos - last >= REJECTION_INTERVAL_NANOS)
          && lastLineAt.compareAndSet(last, nowNanos)) {
        long reported = unreported.getAndSet(0);
        CODEC.log(
            Level.WARNING,
            "tier {0}: {1} remote value(s) could not be decoded and were deleted (counted as misses); last key {2}",
            tier,
            reported,
            remoteKey);
      }
    }
  }
}
