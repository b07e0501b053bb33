package dev.cascade.cache.memory;

import com.github.benmanes.caffeine.cache.Expiry;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Caffeine's expiry of a {@link CaffeineTier}: from the entry's own logical expiry, never beyond
 * the tier's maximum lifetime. A stored bare value (a plain entry, see {@link StoredForms}) has no
 * expiry of its own. Immutable and thread-safe.
 */
final class EntryExpiry<K> implements Expiry<K, Object> {
  /** Caffeine treats durations beyond this as "never"; staying under it avoids overflow in its math. */
  static final long FOREVER_NANOS = Long.MAX_VALUE >> 1;

  private final Ticker ticker;
  private final long lifetimeNanos;

  EntryExpiry(Ticker ticker, long lifetimeNanos) {
    this.ticker = ticker;
    this.lifetimeNanos = lifetimeNanos;
  }

  /** Returns {@code maxLifetime} in nanoseconds, capped at {@link #FOREVER_NANOS}, which null means. */
  static long lifetimeNanos(@Nullable Duration maxLifetime) {
    if (maxLifetime == null) {
      return FOREVER_NANOS;
    }
    try {
      return Math.min(maxLifetime.toNanos(), FOREVER_NANOS);
    } catch (ArithmeticException overflow) {
      return FOREVER_NANOS;
    }
  }

  @Override
  public long expireAfterCreate(K key, Object stored, long currentTime) {
    if (!(stored instanceof TierEntry<?> entry) || entry.expiresAtMillis() == TierEntry.NO_EXPIRY) {
      return lifetimeNanos;
    }
    long remainingMillis = entry.expiresAtMillis() - ticker.wallMillis();
    if (remainingMillis <= 0) {
      return 0;
    }
    long remainingNanos =
        remainingMillis >= FOREVER_NANOS / 1_000_000 ? FOREVER_NANOS : remainingMillis * 1_000_000;
    return Math.min(remainingNanos, lifetimeNanos);
  }

  @Override
  public long expireAfterUpdate(K key, Object stored, long currentTime, long currentDuration) {
    return expireAfterCreate(key, stored, currentTime);
  }

  @Override
  public long expireAfterRead(K key, Object stored, long currentTime, long currentDuration) {
    return currentDuration;
  }
}
