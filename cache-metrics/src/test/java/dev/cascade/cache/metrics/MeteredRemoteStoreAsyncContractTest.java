package dev.cascade.cache.metrics;

/**
 * The contract with every tier metered: the in-memory remote store alone (the remote adapter's
 * path), through the asynchronous API.
 */
class MeteredRemoteStoreAsyncContractTest extends MeteredRemoteStoreContractTest {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
