package dev.cascade.cache.redis;

/** The contract on a real 3-master Redis Cluster, through the asynchronous API. */
class RedisClusterAsyncContractIT extends RedisClusterContractIT {
  @Override
  protected boolean viaAsync() {
    return true;
  }
}
