package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Coherence of three layered instances over a standalone Redis. */
class RedisCoherenceIT extends RedisCoherence {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Override
  RedisSetup redis() {
    return redis;
  }
}
