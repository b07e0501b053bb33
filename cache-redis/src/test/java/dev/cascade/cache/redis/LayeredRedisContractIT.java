package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The layered contract over a standalone Redis. */
class LayeredRedisContractIT extends LayeredRedisContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Override
  RedisSetup redis() {
    return redis;
  }
}
