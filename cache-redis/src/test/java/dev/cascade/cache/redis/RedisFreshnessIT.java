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

/** The freshness contract on a real standalone Redis alone, instances sharing its lease. */
class RedisFreshnessIT extends SharedFreshnessContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private static RedisStampedeLock lock;

  @BeforeAll
  static void createLock() {
    lock = RedisTests.relaxedLock((RedisClient) redis.client());
  }

  @AfterAll
  static void closeLock() {
    lock.close();
  }

  /**
   * Redis expires its copy by its own clock: a 10 s TTL leaves each window of a thousand reads ten
   * seconds of real time (a window takes about 0.2 s with the CPU shared four ways).
   */
  @Override
  protected int timeScale() {
    return 10;
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(redis.store()).valueCodec(StringCodec.create()).ticker(ticker);
  }
}
