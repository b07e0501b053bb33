package dev.cascade.cache.spi;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A lease on loading one key, granted by a {@link StampedeLock}: while it is held no other
 * instance loads that key. Only the holder's token can release it.
 *
 * <p>A lease taken with {@link StampedeLock#tryAcquireOver} is a lease <em>over a value</em>: the
 * key holds {@link #replaces()} (kept for stale serving) while the holder loads, a publish succeeds
 * only while the key still holds it, and a release leaves it in place. Immutable; the array is not
 * copied, so neither the lock nor its caller may change it.
 *
 * @param key the remote key of the entry the lease guards
 * @param token a value unique to this grant
 * @param expiresAtMillis when the lease lapses by itself (wall clock)
 * @param replaces the value the key held when the lease was taken over it, or {@code null} for a
 *     lease on an empty key
 */
public record Lease(String key, String token, long expiresAtMillis, byte @Nullable [] replaces) {

  /** A lease on an empty key (not over a value). */
  public Lease(String key, String token, long expiresAtMillis) {
    this(key, token, expiresAtMillis, null);
  }

  /** Returns whether this lease was taken over a value the key holds ({@link #replaces()}). */
  public boolean isOverValue() {
    return replaces != null;
  }

  /** Compares {@link #replaces()} by content, the other components as a record does. */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof Lease that
        && key.equals(that.key)
        && token.equals(that.token)
        && expiresAtMillis == that.expiresAtMillis
        && Arrays.equals(replaces, that.replaces);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * key.hashCode() + token.hashCode()) + Long.hashCode(expiresAtMillis)) + Arrays.hashCode(replaces);
  }

  /** Names the key and the expiry; never the token or the value's bytes (only their length). */
  @Override
  public String toString() {
    return "Lease[key=" + key + ", expiresAtMillis=" + expiresAtMillis
        + (replaces == null ? "" : ", over a value of " + replaces.length + " bytes") + "]";
  }
}
