package dev.cascade.cache.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells the operator of one cache that background refreshes fail, through {@link System.Logger}
 * {@code dev.cascade.cache.refresh} at {@code WARNING}: the first failure at once, then at most one
 * line per {@link #INTERVAL_MILLIS} of the cache's clock, with the number of failures since the last
 * line and the last one's key and exception. A refresh fails again on every later call while its
 * loader's source is down, so one line per failure would flood the log. The failures stay counted
 * in {@code CacheStats.refreshFailureCount()}.
 *
 * <p>Thread-safe. Invariant: {@code lastLineAt} is the time of the last line (or {@code
 * Long.MIN_VALUE}), {@code unreported} the failures since; a line is written by the one caller
 * whose compare-and-set moves {@code lastLineAt}.
 */
final class RefreshFailureLog {
  static final Logger LOG = System.getLogger("dev.cascade.cache.refresh");
  /** At most one line per cache in this time: 10 s. */
  static final long INTERVAL_MILLIS = 10_000;

  private final String cacheName;
  private final Freshness clock;
  private final AtomicLong lastLineAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong unreported = new AtomicLong();

  RefreshFailureLog(String cacheName, Freshness clock) {
    this.cacheName = cacheName;
    this.clock = clock;
  }

  /** Counts the failure of a refresh of {@code key} with {@code cause}; logs it if a line is due. */
  void failed(Object key, Throwable cause) {
    unreported.incrementAndGet();
    long now = clock.now();
    long last = lastLineAt.get();
    if ((last == Long.MIN_VALUE || now - last >= INTERVAL_MILLIS) && lastLineAt.compareAndSet(last, now)) {
      long failures = unreported.getAndSet(0);
      LOG.log(
          Level.WARNING,
          () ->
              "cache '" + cacheName + "': " + (failures == 1 ? "a background refresh" : failures + " background refreshes")
                  + " failed since the last report; the values they refreshed stay until they expire."
                  + " The last, of key " + key + ", failed with:",
          cause);
    }
  }
}
