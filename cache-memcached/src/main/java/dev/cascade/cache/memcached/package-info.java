/**
 * The Memcached backend: {@link dev.cascade.cache.memcached.MemcachedBackend}, the connections of
 * one service instance to a consistently hashed pool of memcached servers spoken to with the meta
 * protocol, which hands out {@link dev.cascade.cache.memcached.MemcachedTier}s (the caches' {@link
 * dev.cascade.cache.spi.RemoteStore}) and the {@link
 * dev.cascade.cache.memcached.MemcachedStampedeLock} on the server's own leases; {@link
 * dev.cascade.cache.memcached.MemcachedConfig} and {@link
 * dev.cascade.cache.memcached.MemcachedServerStats}.
 */
@NullMarked
package dev.cascade.cache.memcached;

import org.jspecify.annotations.NullMarked;
