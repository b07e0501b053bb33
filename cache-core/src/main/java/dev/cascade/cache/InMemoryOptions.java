package dev.cascade.cache;

import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.memory.CaffeineTierBuilder;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import java.time.Duration;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Options of a cache's in-process tier, set in {@link CacheBuilder#inMemory}. A bound is required:
 * {@link #maximumSize}, {@link #maximumWeight} or, deliberately, {@link #unbounded()}. Mutable and
 * not thread-safe; each option may be set once.
 */
public final class InMemoryOptions<K, V> {
  private static final Duration DEFAULT_LAYERED_TTL = Duration.ofMinutes(1);

  private final CaffeineTierBuilder<K, V> tier = CaffeineTier.builder("l1");
  private boolean ttlSet;

  InMemoryOptions() {}

  /**
   * Bounds the tier to {@code maximumSize} entries (Caffeine's size-based eviction, near LRU/LFU).
   *
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if a bound was already set
   */
  public InMemoryOptions<K, V> maximumSize(long maximumSize) {
    tier.maximumSize(maximumSize);
    return this;
  }

  /**
   * Bounds the tier to a total weight; {@code weigher} gives each value's weight (cached absences
   * weigh 1).
   *
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if a bound was already set
   */
  public InMemoryOptions<K, V> maximumWeight(long maximumWeight, ToIntBiFunction<? super K, ? super V> weigher) {
    tier.maximumWeight(maximumWeight, weigher);
    return this;
  }

  /**
   * Lets the tier grow without bound: only for caches whose key space is known to be small.
   *
   * @throws IllegalStateException if a bound was already set
   */
  public InMemoryOptions<K, V> unbounded() {
    tier.unbounded();
    return this;
  }

  /**
   * Sets the executor of Caffeine's maintenance (evictions, expirations); default: Caffeine's, the
   * common pool. {@code Runnable::run} runs maintenance on the calling thread.
   */
  public InMemoryOptions<K, V> executor(java.util.concurrent.Executor executor) {
    tier.executor(executor);
    return this;
  }

  /**
   * Caps how long any entry stays in this tier, whatever its own TTL: in a layered cache, the bound
   * on how stale an in-process copy can get.
   *
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public InMemoryOptions<K, V> ttl(Duration ttl) {
    tier.ttl(ttl);
    ttlSet = true;
    return this;
  }

  /**
   * Builds the tier for a cache with these settings: a layered cache's tier gets a lifetime cap
   * unless one was set (every in-process copy of a shared entry has one); entries expire only if
   * the cache gives them an expiry; a sliding TTL is the tier's own where it is the only tier, and
   * each copy's otherwise; {@code aliasCodec}, if not {@code null}, keeps the keys an invalidation
   * channel names.
   */
  LocalTier<K, V> buildTier(
      Ticker ticker,
      boolean layered,
      @Nullable Duration ttl,
      @Nullable Duration expireAfterAccess,
      @Nullable Duration nullTtl,
      @Nullable KeyCodec<K> aliasCodec) {
    if (layered && !ttlSet) {
      ttl(DEFAULT_LAYERED_TTL);
    }
    // A nullTtl of a century or more (memoization uses one) never expires in practice.
    boolean expiring =
        ttl != null || expireAfterAccess != null || (nullTtl != null && nullTtl.compareTo(Duration.ofDays(36_500)) < 0);
    tier.ticker(ticker).expiringEntries(expiring);
    if (expireAfterAccess != null && !layered) {
      tier.expireAfterAccess(expireAfterAccess);
    } else if (expireAfterAccess != null) {
      tier.slidingCopies(); // each copy lapses while the remote entry it came from lives
    }
    if (aliasCodec != null) {
      tier.keyAliases(aliasCodec);
    }
    return tier.build();
  }
}
