package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.testkit.CoherenceContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The coherence contract with every tier of every instance metered: three layered instances over
 * the in-memory store and bus, each with its own registry as separate services would have.
 */
class MeteredCoherenceTest extends CoherenceContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();

  @Override
  protected Cache<String, String> newInstance(String name) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    return CacheMetrics.monitor(
        Cache.<String, String>builder(name)
            .inMemory(m -> m.maximumSize(1_000))
            .tier(store)
            .valueCodec(StringCodec.create())
            .invalidation(bus.newChannel())
            .eventListener(CacheMetrics.listener(registry))
            .build(),
        registry);
  }
}
