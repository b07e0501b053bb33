package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.nio.charset.StandardCharsets;

/**
 * The contract on a raw cache (with a null marker, so that absences are cached) with a key template
 * and tag sets, over the in-memory remote store.
 */
class RawTemplateContractTest extends CacheContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
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
