package dev.cascade.cache.memcached;

import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.testkit.BulkReaderContract;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link BulkReaderContract} on two real servers: the reader runs on the client's I/O thread for the
 * keys of a classic {@code get} (printable ASCII) and once every server has answered for an {@code
 * mg} batch (keys with spaces). On the default transport (NIO); {@link MemcachedEpollBulkReaderIT}
 * runs it on epoll.
 */
class MemcachedBulkReaderIT extends BulkReaderContract {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.servers(2);

  private final MemcachedTier tier =
      MemcachedTier.create(
          MemcachedConfig.builder()
              .servers(MEMCACHED.addresses().toArray(String[]::new))
              .transport(transport())
              .build());

  /** The socket transport of the tier under test (read while this test instance is built). */
  MemcachedConfig.Transport transport() {
    return MemcachedConfig.Transport.AUTO;
  }

  @Override
  protected RemoteStore store() {
    return tier;
  }

  @AfterEach
  void close() {
    tier.close();
  }
}
