package dev.cascade.cache;

/**
 * The time source of a cache: a monotonic nanosecond reading for in-process expiry and a wall
 * clock for the logical expiry stored with remote entries, which other processes read. Inject a
 * fake one in tests (the testkit has {@code FakeTicker}) instead of sleeping.
 *
 * <p>Implementations must be thread-safe; the two readings must advance together.
 */
public interface Ticker {

  /** Returns a monotonic time in nanoseconds, only meaningful as a difference between readings. */
  long read();

  /** Returns the wall-clock time in milliseconds since the Unix epoch. */
  long wallMillis();

  /** Returns the ticker backed by {@link System#nanoTime()} and {@link System#currentTimeMillis()}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }

  @Override
  public long wallMillis() {
    return System.currentTimeMillis();
  }
}
