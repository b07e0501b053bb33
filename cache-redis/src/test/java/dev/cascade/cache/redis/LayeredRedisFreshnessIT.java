package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;

/**
 * The freshness contract on an in-process tier over a real Redis, kept coherent by
 * RedisInvalidation, instances sharing its lease.
 */
class LayeredRedisFreshnessIT extends RedisFreshnessIT {
  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(redis.store())
        .valueCodec(StringCodec.create())
        .invalidation(redis.newChannel(RedisTests.RELAXED_TIMEOUT))
        .ticker(ticker);
  }
}
