package dev.cascade.cache.memcached;

/**
 * {@link MemcachedBulkReaderIT} on Java NIO sockets ({@link MemcachedConfig.Transport#NIO}): the
 * values a reader is handed are read out of the receive buffers, which the two transports allocate
 * and fill differently.
 */
class MemcachedNioBulkReaderIT extends MemcachedBulkReaderIT {
  @Override
  MemcachedConfig.Transport transport() {
    return MemcachedConfig.Transport.NIO;
  }
}
