package dev.cascade.cache.memcached;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sliding TTL contract on an in-process tier in front of one real memcached server. */
class LayeredMemcachedSlidingTtlContractIT extends MemcachedSlidingTtlContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  @Override
  MemcachedServerExtension memcached() {
    return MEMCACHED;
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .tier(tier())
        .valueCodec(StringCodec.create())
        .ticker(ticker);
  }
}
