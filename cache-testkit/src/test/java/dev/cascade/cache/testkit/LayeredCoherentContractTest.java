package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;

/** The contract on an in-process tier over the in-memory remote store, with an invalidation channel. */
class LayeredCoherentContractTest extends CacheContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .invalidation(bus.newChannel())
        .ticker(ticker);
  }
}
