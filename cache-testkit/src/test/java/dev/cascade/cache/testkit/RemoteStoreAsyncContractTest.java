package dev.cascade.cache.testkit;

/** The contract on the in-memory remote store, through the asynchronous API. */
class RemoteStoreAsyncContractTest extends RemoteStoreContractTest {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
