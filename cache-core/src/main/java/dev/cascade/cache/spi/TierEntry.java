package dev.cascade.cache.spi;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One cached entry as it moves between the policy and a tier: the value (or {@code null} for a
 * cached absence), its logical expiry, when it was written or its load began, how long the load
 * took, and its tags. Times are wall-clock milliseconds so that remote tiers shared by several
 * processes agree on them.
 *
 * <p>Immutable and thread-safe. The in-process tier stores an entry with a value, no expiry and no
 * tags as the bare value, and every other entry as its {@code TierEntry}; its hit path ({@link
 * LocalTier#getValueIfPresent}) allocates nothing either way.
 *
 * @param value the value, or {@code null} when the entry records that the loader found nothing
 * @param expiresAtMillis logical expiry (epoch millis), or {@link #NO_EXPIRY}
 * @param writtenAtMillis when the value was put, or when the load that produced it started
 * @param loadNanos how long the load took, at least 1 for a load; {@code 0} for a plain put (a
 *     remote tier tells a load's entry from a put's by it, see {@link TagVersion#admits})
 * @param tags the entry's tags, never {@code null}
 */
public record TierEntry<V>(
    @Nullable V value, long expiresAtMillis, long writtenAtMillis, long loadNanos, Set<String> tags) {

  /** The expiry of an entry that lives until it is evicted or invalidated. */
  public static final long NO_EXPIRY = Long.MAX_VALUE;

  public TierEntry {
    tags = Set.copyOf(tags);
  }

  /** Returns whether the entry's logical expiry is at or before {@code nowMillis}. */
  public boolean isExpiredAt(long nowMillis) {
    return expiresAtMillis != NO_EXPIRY && expiresAtMillis <= nowMillis;
  }

  /** Returns the time left before expiry at {@code nowMillis} in milliseconds, or {@link Long#MAX_VALUE}. */
  public long remainingMillis(long nowMillis) {
    return expiresAtMillis == NO_EXPIRY ? Long.MAX_VALUE : Math.max(0, expiresAtMillis - nowMillis);
  }
}
