package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.testkit.CacheContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The contract with every tier metered: the in-process tier alone, through the blocking API. */
class MeteredInMemoryTierContractTest extends CacheContract {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .eventListener(CacheMetrics.listener(registry))
        .ticker(ticker);
  }
}
