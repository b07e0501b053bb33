package dev.cascade.cache.testkit;

import dev.cascade.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told to, so that expiry is tested without sleeping. Its
 * monotonic and wall readings advance together; the wall clock starts at a fixed, realistic
 * instant. Thread-safe.
 */
public final class FakeTicker implements Ticker {
  private static final long START_WALL_MILLIS = 1_790_000_000_000L; // 2026-09-21, an arbitrary fixed day

  private final AtomicLong nanos = new AtomicLong();

  @Override
  public long read() {
    return nanos.get();
  }

  @Override
  public long wallMillis() {
    return START_WALL_MILLIS + nanos.get() / 1_000_000;
  }

  /** Moves time forward by {@code duration}; returns this ticker. */
  public FakeTicker advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time only moves forward, not by " + duration);
    }
    nanos.addAndGet(duration.toNanos());
    return this;
  }
}
