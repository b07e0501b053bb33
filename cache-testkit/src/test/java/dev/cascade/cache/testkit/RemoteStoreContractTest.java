package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;

/**
 * The contract on the remote adapter (key prefixes, envelope, codec, tag versions) over the
 * in-memory remote store, with no in-process tier in front.
 */
class RemoteStoreContractTest extends CacheContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(store).valueCodec(StringCodec.create()).ticker(ticker);
  }
}
