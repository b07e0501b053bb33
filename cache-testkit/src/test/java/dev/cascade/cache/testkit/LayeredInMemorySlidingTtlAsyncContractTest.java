package dev.cascade.cache.testkit;

/** {@link LayeredInMemorySlidingTtlContractTest} through the asynchronous API. */
class LayeredInMemorySlidingTtlAsyncContractTest extends LayeredInMemorySlidingTtlContractTest {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
