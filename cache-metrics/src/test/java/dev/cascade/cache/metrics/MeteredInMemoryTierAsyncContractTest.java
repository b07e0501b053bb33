package dev.cascade.cache.metrics;

/** The contract with every tier metered: the in-process tier alone, through the asynchronous API. */
class MeteredInMemoryTierAsyncContractTest extends MeteredInMemoryTierContractTest {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
