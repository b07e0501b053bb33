package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.testkit.LeaseOverValueContract;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lease over a value on a real standalone Redis: a mutex key beside the value. */
class RedisLeaseOverValueIT extends LeaseOverValueContract {
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

  @Override
  protected RemoteStore store() {
    return redis.store();
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Test
  void mutexKey_liesInTheNamespaceWhereNoEntryKeyCanBe() {
    assertThat(RedisStampedeLock.mutexKey("cascade:users:42")).isEqualTo("cascade:users:#lease:42");
    assertThat(RedisStampedeLock.mutexKey("cascade:users:a:b")).isEqualTo("cascade:users:#lease:a:b");
    assertThat(RedisStampedeLock.mutexKey("plain")).isEqualTo("#lease:plain");
  }

  @Test
  void leaseOverValue_livesInItsMutex_whichExpiresWithTheLease_andTheValueKeepsItsTtl() {
    String key = key("mutex");
    byte[] stale = "stale".getBytes(StandardCharsets.UTF_8);
    store().put(key, stale, Duration.ofMinutes(5)).join();

    Lease lease = lock.tryAcquireOver(key, stale, Duration.ofSeconds(30)).join();

    assertThat(lease).isNotNull();
    assertThat(lease.replaces()).isEqualTo(stale);
    long mutexTtl = (Long) redis.server().command(0, "PTTL", RedisStampedeLock.mutexKey(key));
    assertThat(mutexTtl).isBetween(1L, 30_000L);
    long valueTtl = (Long) redis.server().command(0, "PTTL", key);
    assertThat(valueTtl).isGreaterThan(30_000L);
    lock.release(lease).join();
    assertThat(redis.server().command(0, "EXISTS", RedisStampedeLock.mutexKey(key))).isEqualTo(0L);
  }
}
