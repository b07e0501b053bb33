package dev.cascade.cache.redis;

/** The contract on a real standalone Redis, through the asynchronous API. */
class RedisStandaloneAsyncContractIT extends RedisStandaloneContractIT {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
