package dev.cascade.cache.testkit;

import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.RemoteStore;

/** {@link BulkReaderContract} on the in-memory store, which reads through the SPI's default: the reader run on each value of the whole answer. */
class InMemoryBulkReaderTest extends BulkReaderContract {
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();

  @Override
  protected RemoteStore store() {
    return store;
  }
}
