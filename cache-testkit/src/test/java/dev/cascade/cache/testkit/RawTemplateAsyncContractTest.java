package dev.cascade.cache.testkit;

/** The contract on a raw cache with a key template and tag sets, through the asynchronous API. */
class RawTemplateAsyncContractTest extends RawTemplateContractTest {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
