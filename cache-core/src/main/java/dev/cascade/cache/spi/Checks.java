package dev.cascade.cache.spi;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks shared by Cascade's builders and backends, so that every bad value is reported
 * the same way: the option's name and the value. Stateless.
 */
public final class Checks {
  private Checks() {}

  /**
   * Returns {@code duration} if it is positive.
   *
   * @param what the option's name, used in the messages
   * @throws NullPointerException naming {@code what} if {@code duration} is null
   * @throws IllegalArgumentException naming {@code what} and the value if it is zero or negative
   */
  public static Duration requirePositive(@Nullable Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
    return duration;
  }

  /**
   * Returns {@code value} if it is positive.
   *
   * @throws IllegalArgumentException naming {@code what} and the value if it is zero or negative
   */
  public static long requirePositive(long value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
    return value;
  }

  /**
   * Throws if an option that may be set once was set already.
   *
   * @param current the option's current value, {@code null} while unset
   * @throws IllegalStateException naming {@code option} and its value if it was set
   */
  public static void requireUnset(@Nullable Object current, String option) {
    if (current != null) {
      throw new IllegalStateException(option + " was already set to " + current);
    }
  }
}
