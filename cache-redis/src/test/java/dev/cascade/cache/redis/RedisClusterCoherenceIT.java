package dev.cascade.cache.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Coherence of three layered instances over a 3-master Redis Cluster. */
class RedisClusterCoherenceIT extends RedisCoherence {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  @Override
  RedisSetup redis() {
    return redis;
  }

  /**
   * 2 000 rounds per operation by default: PUBLISH crosses the cluster bus, whose p99 here is tens
   * of milliseconds, so 10 000 rounds take about 14 minutes on a 2-core machine. Run with
   * {@code -Dcascade.coherence.iterations=10000} for the full count (docs/layering.md has that run).
   */
  @Override
  protected int iterations() {
    return Integer.getInteger("cascade.coherence.iterations", 2_000);
  }
}
