package dev.cascade.cache;

import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.memory.CaffeineTierBuilder;
import java.time.Duration;
import java.util.function.ToIntBiFunction;

/**
 * Options of a cache's in-process tier, set in {@link CacheBuilder#inMemory}. A bound is required:
 * {@link #maximumSize}, {@link #maximumWeight} or, deliberately, {@link #unbounded()}. Mutable and
 * not thread-safe; each option may be set once.
 */
public final class InMemoryOptions<K, V> {
  final CaffeineTierBuilder<K, V> tier = CaffeineTier.builder("l1");
  boolean ttlSet;

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
}
