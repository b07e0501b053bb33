package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.nio.charset.StandardCharsets;

/**
 * The contract on an in-process tier in front of a raw cache with a key template, tag sets and a
 * null marker, over the in-memory remote store.
 */
class LayeredRawTemplateContractTest extends CacheContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .ticker(ticker)
        .remoteLayout(
            r -> r.rawValues()
                .keyTemplate(name + ":{key}")
                .tagSets(name + "#tag:{tag}")
                .nullMarker("\u0000null".getBytes(StandardCharsets.UTF_8)));
  }
}
