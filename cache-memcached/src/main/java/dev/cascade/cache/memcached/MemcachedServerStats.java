package dev.cascade.cache.memcached;

/**
 * A snapshot of one memcached server's general statistics ({@code stats}), as a plain value that a
 * metrics binder can read.
 *
 * @param server the server, {@code host:port}
 * @param up whether the server answered; when not, every count is 0
 * @param getHits reads that found an item ({@code get_hits})
 * @param getMisses reads that found none ({@code get_misses})
 * @param evictions items evicted to make room ({@code evictions})
 * @param currItems items stored now ({@code curr_items})
 * @param bytes bytes used by items now ({@code bytes})
 * @param limitMaxBytes the server's memory limit ({@code limit_maxbytes})
 */
public record MemcachedServerStats(
    String server,
    boolean up,
    long getHits,
    long getMisses,
    long evictions,
    long currItems,
    long bytes,
    long limitMaxBytes) {}
