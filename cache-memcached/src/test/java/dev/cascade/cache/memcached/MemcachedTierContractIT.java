package dev.cascade.cache.memcached;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.CacheContract;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on a {@link MemcachedTier} over one real memcached server. */
class MemcachedTierContractIT extends CacheContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  // One client per test: the contract closes its caches, and with them their tier, after each test.
  private final MemcachedTier tier = MemcachedTier.create(
        MemcachedConfig.builder()
            .servers(MEMCACHED.addresses().toArray(String[]::new))
            // Generous: these tests are about behaviour, and the machine may be busy.
            .commandTimeout(Duration.ofSeconds(5))
            .build());

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(tier).valueCodec(StringCodec.create()).ticker(ticker);
  }
}
