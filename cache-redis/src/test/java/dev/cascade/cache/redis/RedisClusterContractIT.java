package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on a real 3-master Redis Cluster, through the blocking API. */
class RedisClusterContractIT extends RedisTierContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  @Override
  RedisSetup redis() {
    return redis;
  }
}
