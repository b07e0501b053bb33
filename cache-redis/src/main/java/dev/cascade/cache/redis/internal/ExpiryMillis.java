package dev.cascade.cache.redis.internal;

import java.time.Duration;

/** The one conversion of a TTL this module sends to Redis ({@code PX}, {@code PEXPIRE}). Stateless. */
public final class ExpiryMillis {
  private ExpiryMillis() {}

  /**
   * Returns {@code ttl} as the whole milliseconds that {@code PX} and {@code PEXPIRE} take: rounded
   * up, and at least 1 ms. The one conversion of every TTL this module sends. Redis refuses {@code PX
   * 0} and deletes the key on {@code PEXPIRE 0}, so a positive duration under 1 ms must not be
   * truncated to 0 (as {@link Duration#toMillis()} and Lettuce's {@code px(Duration)} do); and a key
   * must never expire before the time it was given, which a lease's holder relies on (it trusts its
   * lease for that long by its own clock), so a fraction is rounded up, never down. A duration too
   * long for a {@code long} of milliseconds becomes {@link Long#MAX_VALUE} (Redis refuses it as an
   * invalid expire time, as it would the exact value).
   */
  public static long of(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      return 1;
    }
    try {
      long millis = ttl.toMillis();
      return ttl.toNanosPart() % 1_000_000 == 0 ? millis : Math.addExact(millis, 1);
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
