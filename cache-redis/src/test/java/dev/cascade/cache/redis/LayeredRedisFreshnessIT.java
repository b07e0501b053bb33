package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.testkit.SharedFreshnessContract;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The freshness contract on an in-process tier over a real Redis, kept coherent by RedisInvalidation, instances sharing its lease. */
class LayeredRedisFreshnessIT extends SharedFreshnessContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private static RedisStampedeLock lock;

  @BeforeAll
  static void createLock() {
    lock = RedisStampedeLock.create((RedisClient) redis.client());
  }

  @AfterAll
  static void closeLock() {
    lock.close();
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(redis.store())
        .valueCodec(StringCodec.create())
        .invalidation(redis.newChannel(RedisTests.RELAXED_TIMEOUT))
        .ticker(ticker);
  }
}
