package dev.cascade.cache;

/**
 * Statistics of a memoized function, after Python's {@code functools} {@code CacheInfo}. Immutable.
 *
 * @param hits calls answered without running the function
 * @param misses calls that ran the function
 * @param maxSize the bound on cached results, {@code -1} when unbounded or set by a shared cache
 * @param currentSize results cached now (approximate), {@code -1} when the cache is shared
 */
public record MemoStats(long hits, long misses, long maxSize, long currentSize) {}
