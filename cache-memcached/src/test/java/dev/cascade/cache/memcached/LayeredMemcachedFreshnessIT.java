package dev.cascade.cache.memcached;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;

/** The freshness contract on an in-process tier over a real memcached, instances sharing its leases. */
class LayeredMemcachedFreshnessIT extends MemcachedFreshnessIT {
  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(tier)
        .valueCodec(StringCodec.create())
        .ticker(ticker);
  }
}
