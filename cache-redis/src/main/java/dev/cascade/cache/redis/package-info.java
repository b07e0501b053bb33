/**
 * Redis for Cascade, on Lettuce: {@link dev.cascade.cache.redis.RedisTier} (a remote store for
 * standalone, Sentinel and Cluster deployments), {@link dev.cascade.cache.redis.RedisStampedeLock}
 * and server statistics.
 */
@NullMarked
package dev.cascade.cache.redis;

import org.jspecify.annotations.NullMarked;
