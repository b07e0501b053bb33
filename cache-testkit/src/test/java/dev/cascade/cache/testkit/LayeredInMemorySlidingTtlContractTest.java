package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;

/** The sliding TTL contract on an in-process tier in front of the in-memory remote store. */
class LayeredInMemorySlidingTtlContractTest extends RemoteStoreSlidingTtlContractTest {
  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .ticker(ticker);
  }
}
