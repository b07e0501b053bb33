package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;

/** Coherence of three layered instances over the in-memory store and bus (the engine's part). */
class InMemoryCoherenceTest extends CoherenceContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();

  @Override
  protected Cache<String, String> newInstance(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .invalidation(bus.newChannel())
        .build();
  }
}
