package dev.cascade.cache.memcached;

import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.testkit.BulkReaderContract;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link MemcachedBulkReaderIT} on Java NIO sockets ({@link MemcachedConfig.Transport#NIO}): the
 * values a reader is handed are read out of the receive buffers, which the two transports allocate
 * and fill differently.
 */
class MemcachedNioBulkReaderIT extends BulkReaderContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.servers(2);

  private final MemcachedTier tier =
      MemcachedTier.create(
          MemcachedConfig.builder()
              .servers(MEMCACHED.addresses().toArray(String[]::new))
              .transport(MemcachedConfig.Transport.NIO)
              .build());

  @Override
  protected RemoteStore store() {
    return tier;
  }

  @AfterEach
  void close() {
    tier.close();
  }
}
