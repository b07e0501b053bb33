package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on a real standalone Redis, through the blocking API. */
class RedisStandaloneContractIT extends RedisTierContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Override
  RedisSetup redis() {
    return redis;
  }
}
