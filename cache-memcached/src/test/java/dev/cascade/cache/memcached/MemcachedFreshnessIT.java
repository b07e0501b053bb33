package dev.cascade.cache.memcached;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import dev.cascade.cache.testkit.SharedFreshnessContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The freshness contract on a real memcached alone, instances sharing its leases. */
class MemcachedFreshnessIT extends SharedFreshnessContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  // One client per test, closed after it; the lock lives on the same client, next to the keys.
  final MemcachedTier tier =
      MemcachedTier.create(
          MemcachedConfig.builder()
              .servers(MEMCACHED.addresses().toArray(String[]::new))
              .commandTimeout(Duration.ofSeconds(5))
              .build());
  private final MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);

  @AfterEach
  void closeTier() {
    tier.close();
  }

  /** memcached keeps TTLs in whole seconds by its own clock: the hot-key runs use a 10 s TTL. */
  @Override
  protected int timeScale() {
    return 10;
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(tier).valueCodec(StringCodec.create()).ticker(ticker);
  }
}
