package dev.cascade.cache.spi;

/**
 * A lease on loading one key, granted by a {@link StampedeLock}: while it is held no other
 * instance loads that key. Only the holder's token can release it.
 *
 * @param key the remote key of the entry the lease guards
 * @param token a value unique to this grant
 * @param expiresAtMillis when the lease lapses by itself (wall clock)
 */
public record Lease(String key, String token, long expiresAtMillis) {}
