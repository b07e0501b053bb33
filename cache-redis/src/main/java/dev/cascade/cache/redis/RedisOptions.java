package dev.cascade.cache.redis;

import dev.cascade.cache.spi.Checks;
import java.time.Duration;

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
    return Checks.requirePositive(duration, what);
  }
}
