package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.testkit.CacheContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The contract with every tier metered: in-process tier over the remote store, with an invalidation channel. */
class MeteredLayeredCoherentContractTest extends CacheContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .invalidation(bus.newChannel())
        .eventListener(CacheMetrics.listener(registry))
        .ticker(ticker);
  }
}
