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
  /**
   * The latest absolute expiry sent: memcached reads the time as a signed 32-bit number, and
   * 1.6.18 stores an item with a later one as already expired (or, past 2^32, as never expiring),
   * answering HD all the same. One second before the largest such number, so that an item clamped
   * here still expires before {@link LeaseCommands#RECACHE_ALWAYS}, and the recache win over it
   * still works. Core keeps each entry's own logical expiry, so a copy that leaves memcached early
   * (in January 2038) is a miss, never a value served too long.
   */
  static final long LATEST_EXPIRY = Integer.MAX_VALUE - 1L;

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
   * memcached reads any larger number as one, at most {@link #LATEST_EXPIRY}.
   */
  static long expiry(@Nullable Duration ttl, Clock clock) {
    if (ttl == null) {
      return 0;
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive or null, was " + ttl);
    }
    if (ttl.getSeconds() >= LATEST_EXPIRY) {
      return LATEST_EXPIRY; // past it from any "now" since 1970, and too long for toMillis()
    }
    long millis = ttl.toMillis() + (ttl.toNanos() % 1_000_000 == 0 ? 0 : 1);
    long seconds = Math.max(1, (millis + 999) / 1000);
    if (seconds <= MAX_RELATIVE_TTL_SECONDS) {
      return seconds;
    }
    return Math.min((clock.millis() + millis + 999) / 1000, LATEST_EXPIRY);
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
