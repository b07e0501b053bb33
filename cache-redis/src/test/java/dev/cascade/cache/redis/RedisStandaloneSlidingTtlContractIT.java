package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The sliding TTL contract on a real standalone Redis. */
class RedisStandaloneSlidingTtlContractIT extends RedisSlidingTtlContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Override
  RedisSetup redis() {
    return redis;
  }
}
