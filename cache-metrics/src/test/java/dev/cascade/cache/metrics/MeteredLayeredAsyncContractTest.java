package dev.cascade.cache.metrics;

/**
 * The contract with every tier metered: the in-process tier in front of the in-memory remote store,
 * through the asynchronous API.
 */
class MeteredLayeredAsyncContractTest extends MeteredLayeredContractTest {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
