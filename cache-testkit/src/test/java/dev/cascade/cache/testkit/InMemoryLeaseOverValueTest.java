package dev.cascade.cache.testkit;

import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;

/**
 * The lease-over-a-value contract on the in-memory lock, whose leases live beside the store (the
 * default {@code tryAcquireOver}) and whose publish is guarded by revocation.
 */
class InMemoryLeaseOverValueTest extends LeaseOverValueContract {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);
  private final InMemoryStampedeLock lock = InMemoryStampedeLock.create(store, ticker);

  @Override
  protected RemoteStore store() {
    return store;
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }
}
