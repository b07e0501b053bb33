package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisGetAllInOrderContract} on a 3-master cluster. */
class RedisClusterGetAllInOrderIT extends RedisGetAllInOrderContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  @Override
  protected RedisTier store() {
    return redis.store();
  }
}
