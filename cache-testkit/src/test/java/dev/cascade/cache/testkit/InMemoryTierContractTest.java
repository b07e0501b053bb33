package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;

/** The contract on the embedded default: the in-process tier alone, through the blocking API. */
class InMemoryTierContractTest extends CacheContract {
  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).inMemory(m -> m.maximumSize(100_000)).ticker(ticker);
  }
}
