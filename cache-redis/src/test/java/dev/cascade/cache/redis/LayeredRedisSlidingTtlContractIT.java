package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sliding TTL contract on an in-process tier over a standalone Redis, kept coherent by RedisInvalidation. */
class LayeredRedisSlidingTtlContractIT extends RedisSlidingTtlContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Override
  RedisSetup redis() {
    return redis;
  }

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
