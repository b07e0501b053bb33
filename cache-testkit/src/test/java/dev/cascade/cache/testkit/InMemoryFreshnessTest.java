package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;

/** The freshness contract on an in-process tier alone. */
class InMemoryFreshnessTest extends FreshnessContract {
  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).inMemory(m -> m.maximumSize(1_000)).ticker(ticker);
  }
}
