package dev.cascade.cache.memcached;

/**
 * {@link MemcachedBulkReaderIT} on Netty's native epoll ({@link MemcachedConfig.Transport#EPOLL};
 * the other suites run on the default, NIO): the values a reader is handed are read out of the
 * receive buffers, which the two transports allocate and fill differently.
 */
class MemcachedEpollBulkReaderIT extends MemcachedBulkReaderIT {
  @Override
  MemcachedConfig.Transport transport() {
    return MemcachedConfig.Transport.EPOLL;
  }
}
