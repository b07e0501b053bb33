package dev.cascade.cache.internal;

import dev.cascade.cache.codec.Envelope;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The value form of a cache with {@code RemoteLayout.rawValues()}: the codec's bytes with no
 * envelope, and the null marker, if any, for a cached absence. A raw value read back is handed to
 * {@link RemoteTier} as an envelope without tags whose expiry is the read time plus the shorter of
 * the time the store says it has left and the cache's TTL (or null TTL): the bound on how long
 * nearer tiers keep it. Immutable and thread-safe.
 */
final class RawValues {
  private final byte @Nullable [] nullMarker;
  private final @Nullable Duration ttl;
  private final @Nullable Duration nullTtl;

  RawValues(byte @Nullable [] nullMarker, @Nullable Duration ttl, @Nullable Duration nullTtl) {
    this.nullMarker = nullMarker == null ? null : nullMarker.clone();
    this.ttl = ttl;
    this.nullTtl = nullTtl;
  }

  /**
   * Returns {@code bytes}, read at {@code nowMillis} with {@code remaining} left in the store ({@code
   * null} if unknown or none), as the tier's envelope. Its expiry is the earlier of the store's and
   * the cache's TTL (null TTL for an absence) from now.
   */
  Envelope read(byte[] bytes, long nowMillis, @Nullable Duration remaining) {
    if (nullMarker != null && Arrays.equals(bytes, nullMarker)) {
      return new Envelope(Envelope.FLAG_NULL, expiry(nowMillis, shorter(nullTtl, remaining)), nowMillis, 0, Map.of(), new byte[0]);
    }
    return new Envelope(0, expiry(nowMillis, shorter(ttl, remaining)), nowMillis, 0, Map.of(), bytes);
  }

  private static @Nullable Duration shorter(@Nullable Duration a, @Nullable Duration b) {
    if (a == null) {
      return b;
    }
    return b == null || a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * Returns the bytes to store for a value whose payload is {@code payload}, or for an absence if
   * {@code payload} is {@code null}.
   */
  byte[] write(byte @Nullable [] payload) {
    if (payload != null) {
      return payload;
    }
    if (nullMarker == null) {
      throw new IllegalStateException("a raw cache without a null marker cannot store an absence");
    }
    return nullMarker.clone();
  }

  private static long expiry(long nowMillis, @Nullable Duration lifetime) {
    if (lifetime == null) {
      return TierEntry.NO_EXPIRY;
    }
    long millis;
    try {
      millis = lifetime.toMillis();
    } catch (ArithmeticException overflow) {
      return TierEntry.NO_EXPIRY;
    }
    return millis >= TierEntry.NO_EXPIRY - nowMillis ? TierEntry.NO_EXPIRY : nowMillis + millis;
  }
}
