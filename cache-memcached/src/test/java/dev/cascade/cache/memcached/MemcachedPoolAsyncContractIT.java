package dev.cascade.cache.memcached;

/** The contract on a pool of three memcached servers, through the asynchronous API. */
class MemcachedPoolAsyncContractIT extends MemcachedPoolContractIT {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
