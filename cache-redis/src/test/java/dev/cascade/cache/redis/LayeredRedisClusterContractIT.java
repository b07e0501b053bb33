package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The layered contract over a 3-master Redis Cluster. */
class LayeredRedisClusterContractIT extends LayeredRedisContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  @Override
  RedisSetup redis() {
    return redis;
  }
}
