package dev.cascade.cache.memcached;

import dev.cascade.cache.testkit.MemcachedServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sliding TTL contract over a ketama pool of three real memcached servers (bulk touches span servers). */
class MemcachedPoolSlidingTtlContractIT extends MemcachedSlidingTtlContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.servers(3);

  @Override
  MemcachedServerExtension memcached() {
    return MEMCACHED;
  }
}
