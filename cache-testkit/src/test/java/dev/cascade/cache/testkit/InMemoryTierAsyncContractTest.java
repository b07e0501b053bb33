package dev.cascade.cache.testkit;

/** The contract on the in-process tier, through the asynchronous API. */
class InMemoryTierAsyncContractTest extends InMemoryTierContractTest {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
