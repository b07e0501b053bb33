package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.memcached.MemcachedConfig;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * memcached's rules for an item, applied before anything is sent: expiry in whole seconds, over 30
 * days as an absolute Unix time; values within the item size limit. Immutable and thread-safe.
 */
final class ItemRules {
  private static final int MAX_RELATIVE_TTL_SECONDS = 60 * 60 * 24 * 30;

  private final Clock clock;
  private final int maxValueBytes;

  ItemRules(MemcachedConfig config) {
    this.clock = config.clock();
    // Room for the item header, the key and the CAS value inside the server's item size limit.
    this.maxValueBytes = config.itemSizeMax() - 1024;
  }

  /** Returns the largest value sent. */
  int maxValueBytes() {
    return maxValueBytes;
  }

  /** Returns the configured wall clock. */
  Clock clock() {
    return clock;
  }

  /**
   * Returns the expiry memcached is sent for {@code ttl}: 0 (none) for {@code null}; else whole
   * seconds rounded up, at least 1; over 30 days, the absolute Unix time (rounded up) instead, since
   * memcached reads any larger number as one.
   */
  static long expiry(@Nullable Duration ttl, Clock clock) {
    if (ttl == null) {
      return 0;
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive or null, was " + ttl);
    }
    long millis = ttl.toMillis() + (ttl.toNanos() % 1_000_000 == 0 ? 0 : 1);
    long seconds = Math.max(1, (millis + 999) / 1000);
    if (seconds <= MAX_RELATIVE_TTL_SECONDS) {
      return seconds;
    }
    return (clock.millis() + millis + 999) / 1000;
  }

  /** Returns the meta flag that sets {@code ttl} ({@code " T<expiry>"}), or {@code ""} for none. */
  String ttlFlag(@Nullable Duration ttl) {
    long expiry = expiry(ttl, clock);
    return expiry == 0 ? "" : " T" + expiry;
  }

  /** Throws {@link IllegalArgumentException} if {@code value} does not fit in an item. */
  void checkSize(String key, byte[] value) {
    if (value.length > maxValueBytes) {
      throw new IllegalArgumentException(
          "value of "
              + value.length
              + " bytes for key "
              + key
              + " exceeds memcached's item size limit: at most "
              + maxValueBytes
              + " bytes fit in an item of itemSizeMax "
              + (maxValueBytes + 1024)
              + " (raise memcached's -I and MemcachedConfig.itemSizeMax together)");
    }
  }
}
