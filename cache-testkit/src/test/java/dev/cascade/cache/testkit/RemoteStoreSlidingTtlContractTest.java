package dev.cascade.cache.testkit;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The sliding TTL contract on the remote adapter over the in-memory remote store, alone. */
class RemoteStoreSlidingTtlContractTest extends RemoteSlidingTtlContract {
  final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(store).valueCodec(StringCodec.create()).ticker(ticker);
  }

  @Override
  protected @Nullable Duration storeTtl(String cacheName, String key) {
    return store.remainingTtl(remoteKey(cacheName, key));
  }

  @Override
  protected void setStoreTtl(String cacheName, String key, Duration ttl) {
    String remoteKey = remoteKey(cacheName, key);
    store.putNow(remoteKey, Objects.requireNonNull(store.getNow(remoteKey), remoteKey), ttl);
  }
}
