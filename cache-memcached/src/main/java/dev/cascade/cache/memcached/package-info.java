/**
 * The Memcached backend: {@link dev.cascade.cache.memcached.MemcachedTier}, a {@link
 * dev.cascade.cache.spi.RemoteStore} on a consistently hashed pool of memcached servers spoken to
 * with the meta protocol; {@link dev.cascade.cache.memcached.MemcachedStampedeLock}, the stampede
 * lock on the server's own leases; and {@link dev.cascade.cache.memcached.MemcachedServerStats}.
 */
@NullMarked
package dev.cascade.cache.memcached;

import org.jspecify.annotations.NullMarked;
