package dev.cascade.cache.memcached;

/** The contract on one memcached server, through the asynchronous API. */
class MemcachedTierAsyncContractIT extends MemcachedTierContractIT {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
