package dev.cascade.cache.memory;

import com.github.benmanes.caffeine.cache.Expiry;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Caffeine's expiry of a {@link CaffeineTier}: from the entry's own logical expiry, never beyond
 * the tier's maximum lifetime. A stored bare value (a plain entry, see {@link StoredForms}) has no
 * expiry of its own. In a sliding tier ({@code slideNanos >= 0}), a read of an entry that has a
 * value and an expiry gives it {@code slideNanos} more from the read, capped by the maximum lifetime
 * counted from the entry's write (or load start); absences and entries without expiry do not slide.
 * The stored entry's {@code expiresAtMillis} then keeps its first expiry: Caffeine holds the slid
 * one. In a tier of copies of sliding entries ({@code halveValues}), an entry with a value is kept
 * for half the time its expiry leaves when stored, and reads do not move it: the copy lapses while
 * the remote entry it came from is still alive, so the next read reaches and touches that one.
 * Immutable and thread-safe.
 */
final class EntryExpiry<K> implements Expiry<K, Object> {
  /** Caffeine treats durations beyond this as "never"; staying under it avoids overflow in its math. */
  static final long FOREVER_NANOS = Long.MAX_VALUE >> 1;

  /**
   * The stored object that a remapping function of a tier left in place, on the thread running it
   * ({@link #kept}): Caffeine calls {@link #expireAfterUpdate} after every remap of a present entry,
   * also when the function returned that entry unchanged, and such a remap must not move its expiry
   * (a rejected fill would otherwise restart an entry's lifetime cap). Read and cleared by the
   * {@code expireAfterUpdate} that follows, and cleared by the tier after each remap in case Caffeine
   * did not get that far (a weigher that threw).
   */
  private static final ThreadLocal<@Nullable Object> KEPT = new ThreadLocal<>();

  private final Ticker ticker;
  private final long lifetimeNanos;
  /** How long a read keeps an entry, or -1 when reads do not move expiries. */
  private final long slideNanos;
  /** Whether an entry with a value is kept half the time its expiry leaves (copies of sliding entries). */
  private final boolean halveValues;

  EntryExpiry(Ticker ticker, long lifetimeNanos) {
    this(ticker, lifetimeNanos, -1, false);
  }

  EntryExpiry(Ticker ticker, long lifetimeNanos, long slideNanos, boolean halveValues) {
    this.ticker = ticker;
    this.lifetimeNanos = lifetimeNanos;
    this.slideNanos = slideNanos;
    this.halveValues = halveValues;
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
    if (halveValues && entry.value() != null) {
      remainingNanos = Math.max(1, remainingNanos / 2);
    }
    return Math.min(remainingNanos, lifetimeNanos);
  }

  /**
   * Marks {@code stored}, which a remapping function returns unchanged, so that the expiry update
   * Caffeine makes next on this thread keeps its current duration; returns {@code stored}.
   */
  static Object kept(Object stored) {
    KEPT.set(stored);
    return stored;
  }

  /** Clears this thread's mark (see {@link #kept}), if Caffeine did not consume it. */
  static void forgetKept() {
    KEPT.set(null);
  }

  @Override
  public long expireAfterUpdate(K key, Object stored, long currentTime, long currentDuration) {
    Object kept = KEPT.get();
    if (kept != null) {
      KEPT.set(null);
      if (kept == stored) {
        return currentDuration; // a remap that left the entry as it was
      }
    }
    return expireAfterCreate(key, stored, currentTime);
  }

  @Override
  public long expireAfterRead(K key, Object stored, long currentTime, long currentDuration) {
    if (slideNanos < 0
        || !(stored instanceof TierEntry<?> entry)
        || entry.value() == null
        || entry.expiresAtMillis() == TierEntry.NO_EXPIRY) {
      return currentDuration;
    }
    if (lifetimeNanos >= FOREVER_NANOS) {
      return slideNanos;
    }
    long capLeftMillis = entry.writtenAtMillis() + lifetimeNanos / 1_000_000 - ticker.wallMillis();
    if (capLeftMillis <= 0) {
      return 0;
    }
    return Math.min(slideNanos, capLeftMillis * 1_000_000);
  }
}
