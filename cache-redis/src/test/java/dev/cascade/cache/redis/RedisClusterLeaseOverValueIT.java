package dev.cascade.cache.redis;

import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.testkit.LeaseOverValueContract;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lease over a value on a real Redis Cluster, where a value and its mutex key may live in
 * different slots: every command touches one key.
 */
class RedisClusterLeaseOverValueIT extends LeaseOverValueContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.cluster();

  private static RedisStampedeLock lock;

  @BeforeAll
  static void createLock() {
    lock = RedisTests.relaxedLock((RedisClusterClient) redis.client());
  }

  @AfterAll
  static void closeLock() {
    lock.close();
  }

  @Override
  protected RemoteStore store() {
    return redis.store();
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }
}
