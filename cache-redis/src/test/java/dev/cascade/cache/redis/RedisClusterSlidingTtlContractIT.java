package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The sliding TTL contract on a real 3-master Redis Cluster: GETEX is a single-key command. */
class RedisClusterSlidingTtlContractIT extends RedisSlidingTtlContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  @Override
  RedisSetup redis() {
    return redis;
  }
}
