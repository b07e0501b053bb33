package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.testkit.CacheContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The contract with every tier metered: the in-memory remote store alone (the remote adapter's
 * path), through the blocking API.
 */
class MeteredRemoteStoreContractTest extends CacheContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .tier(store)
        .valueCodec(StringCodec.create())
        .eventListener(CacheMetrics.listener(registry))
        .ticker(ticker);
  }
}
