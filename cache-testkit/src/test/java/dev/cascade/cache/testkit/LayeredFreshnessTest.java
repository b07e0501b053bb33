package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;

/** The freshness contract on an in-process tier in front of the in-memory remote store. */
class LayeredFreshnessTest extends RemoteStoreFreshnessTest {
  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .ticker(ticker);
  }
}
