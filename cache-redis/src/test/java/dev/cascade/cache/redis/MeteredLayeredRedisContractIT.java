package dev.cascade.cache.redis;

import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.metrics.CacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The layered contract over standalone Redis with every tier metered by the metrics listener. */
class MeteredLayeredRedisContractIT extends LayeredRedisContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  RedisSetup redis() {
    return redis;
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return super.newBuilder(name).eventListener(CacheMetrics.listener(registry));
  }
}
