package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Makes the entries the engine stores: the cache's TTL (or the entry's own, or the null TTL for an
 * absence), spread by the jitter, as an absolute expiry by the cache's ticker, plus the freshness
 * policy's grace (see {@link Freshness}: tiers keep an entry for as long as it may be served stale);
 * and checks what a caller gives for them. Immutable; thread-safe.
 */
final class Entries {
  private final @Nullable Duration ttl;
  private final double jitter;
  private final @Nullable Duration nullTtl;
  private final Ticker ticker;
  private final long graceMillis;
  private final RandomGenerator random;

  Entries(
      @Nullable Duration ttl,
      double jitter,
      @Nullable Duration nullTtl,
      Ticker ticker,
      long graceMillis,
      RandomGenerator random) {
    this.ttl = ttl;
    this.jitter = jitter;
    this.nullTtl = nullTtl;
    this.ticker = ticker;
    this.graceMillis = graceMillis;
    this.random = random;
  }

  /** Whether a loader's {@code null} is cached. */
  boolean cachesAbsences() {
    return nullTtl != null;
  }

  /**
   * Whether a put of a value with {@code entryTtl} and {@code tags} makes an entry with an expiry or
   * tags. Only such an entry keeps its write time in an in-process tier: a plain one is stored as
   * its bare value (the Caffeine tier's {@code StoredForms}).
   */
  boolean keepsWriteTime(@Nullable Duration entryTtl, Set<String> tags) {
    return entryTtl != null || ttl != null || !tags.isEmpty();
  }

  Ticker ticker() {
    return ticker;
  }

  /**
   * Returns the entry of {@code value} (a cached absence when {@code null}) written or loaded at
   * {@code writtenAt}, whose load took {@code loadNanos}, with {@code tags}.
   */
  <V> TierEntry<V> create(
      @Nullable V value, @Nullable Duration entryTtl, long writtenAt, long loadNanos, Set<String> tags) {
    Duration base = value == null ? nullTtl : entryTtl != null ? entryTtl : ttl;
    long expiresAt = TierEntry.NO_EXPIRY;
    if (base != null) {
      long millis = saturatedMillis(base);
      if (jitter > 0) {
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        millis = (long) (millis * factor);
      }
      long now = ticker.wallMillis();
      millis = Math.max(1, millis);
      millis = millis >= Long.MAX_VALUE - graceMillis ? Long.MAX_VALUE : millis + graceMillis;
      expiresAt = millis >= TierEntry.NO_EXPIRY - now ? TierEntry.NO_EXPIRY : now + millis;
    }
    return new TierEntry<>(value, expiresAt, writtenAt, loadNanos, tags);
  }

  private static long saturatedMillis(Duration duration) {
    try {
      return duration.toMillis();
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  /** Returns {@code tags} as a set after checking each one. */
  static Set<String> checkTags(Collection<String> tags) {
    Objects.requireNonNull(tags, "tags");
    if (tags.isEmpty()) {
      return Set.of();
    }
    for (String tag : tags) {
      checkTag(tag);
    }
    return Set.copyOf(tags);
  }

  /** Checks one tag: not null, not empty. */
  static String checkTag(@Nullable String tag) {
    Objects.requireNonNull(tag, "tag");
    if (tag.isEmpty()) {
      throw new IllegalArgumentException("tag must not be empty");
    }
    return tag;
  }
}
