package dev.cascade.cache.redis;

import java.time.Duration;
import java.util.Objects;

/** The argument checks the builders of this package share. Stateless. */
final class RedisOptions {
  private RedisOptions() {}

  /**
   * Returns {@code duration} if it is positive.
   *
   * @throws NullPointerException naming {@code what} if it is null
   * @throws IllegalArgumentException naming {@code what} and the value if it is zero or negative
   */
  static Duration positive(Duration duration, String what) {
    Objects.requireNonNull(duration, what);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, was " + duration);
    }
    return duration;
  }
}
