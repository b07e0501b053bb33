package dev.cascade.cache.memcached;

import dev.cascade.cache.testkit.MemcachedServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sliding TTL contract on a {@link MemcachedTier} over one real memcached server. */
class MemcachedTierSlidingTtlContractIT extends MemcachedSlidingTtlContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  @Override
  MemcachedServerExtension memcached() {
    return MEMCACHED;
  }
}
