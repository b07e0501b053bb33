package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.CacheContract;

/** The contract on an in-process tier over Redis, kept coherent by RedisInvalidation. */
abstract class LayeredRedisContract extends CacheContract {
  abstract RedisSetup redis();

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .tier(redis().store())
        .valueCodec(StringCodec.create())
        .invalidation(redis().newChannel(RedisTests.RELAXED_TIMEOUT))
        .ticker(ticker);
  }
}
