package dev.cascade.cache;

/**
 * Statistics of a memoized function, after Python's {@code functools} {@code CacheInfo}. Immutable.
 *
 * @param hits calls that returned a result without running the function: a cached result, or one
 *     that a concurrent call with the same arguments computed; a call that threw (its own recursion,
 *     or a concurrent call's failure) is neither a hit nor a miss
 * @param misses calls that ran the function, whether it returned or threw. Over a shared cache that
 *     refreshes entries in the background (early refresh, stale-while-revalidate), each refresh
 *     runs the function of the call that started it and counts as a miss, and that call is then
 *     counted as a hit only if it returned before the refresh began
 * @param maxSize the bound on cached results, {@code -1} when unbounded or set by a shared cache
 * @param currentSize results cached now (approximate), {@code -1} when the cache is shared
 */
public record MemoStats(long hits, long misses, long maxSize, long currentSize) {}
