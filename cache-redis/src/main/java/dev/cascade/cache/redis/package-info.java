/**
 * Redis for Cascade, on Lettuce: {@link dev.cascade.cache.redis.RedisBackend} (one per service
 * instance: owns the connections and hands out the rest to any number of caches), {@link
 * dev.cascade.cache.redis.RedisTier} (a remote store for standalone, Sentinel and Cluster
 * deployments), {@link dev.cascade.cache.redis.RedisStampedeLock}, {@link
 * dev.cascade.cache.redis.RedisInvalidation}, server statistics, and durable write-behind on Redis
 * Streams ({@link dev.cascade.cache.redis.WriteBehind}).
 */
@NullMarked
package dev.cascade.cache.redis;

import org.jspecify.annotations.NullMarked;
