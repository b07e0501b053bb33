package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisGetAllInOrderContract} on one server. */
class RedisGetAllInOrderIT extends RedisGetAllInOrderContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Override
  protected RedisTier store() {
    return redis.store();
  }
}
