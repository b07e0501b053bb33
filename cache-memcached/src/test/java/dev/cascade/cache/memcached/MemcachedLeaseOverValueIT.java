package dev.cascade.cache.memcached;

import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.testkit.LeaseOverValueContract;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lease over a value on a real memcached: the server's win flag on the value's item ({@code mg
 * ... R}), CAS to publish, the win handed back on release. Its protocol details are in {@link
 * MemcachedProtocolIT}.
 */
class MemcachedLeaseOverValueIT extends LeaseOverValueContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  private static MemcachedTier tier;
  private static MemcachedStampedeLock lock;

  @BeforeAll
  static void createLock() {
    tier =
        MemcachedTier.create(
            MemcachedConfig.builder()
                .servers(MEMCACHED.addresses().toArray(String[]::new))
                // Generous: these tests are about behaviour, and the machine may be busy.
                .commandTimeout(Duration.ofSeconds(5))
                .build());
    lock = MemcachedStampedeLock.create(tier);
  }

  @AfterAll
  static void closeLock() {
    tier.close();
  }

  @Override
  protected RemoteStore store() {
    return tier;
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }
}
