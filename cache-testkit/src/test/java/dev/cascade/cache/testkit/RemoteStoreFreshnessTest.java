package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.spi.StampedeLock;

/** The freshness contract on the in-memory remote store alone. */
class RemoteStoreFreshnessTest extends SharedFreshnessContract {
  final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final InMemoryStampedeLock lock = InMemoryStampedeLock.create(store, ticker);

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(store).valueCodec(StringCodec.create()).ticker(ticker);
  }
}
