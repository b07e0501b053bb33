package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.LogCapture;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A service that starts while its Redis is down: the backend, store, lock, channel and a layered
 * cache on them are built all the same; reads go to the loader and writes fail with a {@link
 * CacheException}; once redis-server is started (on the port it was given), the cache uses Redis
 * with no restart of the service.
 */
class RedisStartDownIT {
  @RegisterExtension static final RedisServerExtension server = RedisServerExtension.standalone();

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    if (!server.process(0).isAlive()) {
      server.process(0).restart();
    }
  }

  @Test
  void build_whileRedisDown_readsLoadWritesFail_thenUsesRedisOnceItStarts() {
    server.process(0).kill();
    AtomicInteger loads = new AtomicInteger();

    RedisBackend backend = backend();
    Cache<String, String> cache = cache(backend);

    assertThat(cache.get("a", key -> "A" + loads.incrementAndGet())).isEqualTo("A1");
    assertThat(cache.get("a", key -> "A" + loads.incrementAndGet()))
        .as("nothing kept in L1 while the channel cannot deliver, so the loader runs again")
        .isEqualTo("A2");
    assertThatThrownBy(() -> cache.put("b", "B")).isInstanceOf(CacheException.class);
    assertThat(backend.invalidation().isDelivering()).isFalse();

    server.process(0).restart();

    await("the store takes writes").atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> cache.put("b", "B"));
    await("the channel delivers").atMost(Duration.ofSeconds(30)).until(() -> backend.invalidation().isDelivering());

    Cache<String, String> otherInstance = cache(backend());
    assertThat(otherInstance.get("b", key -> "loaded by the other instance")).as("read from Redis").isEqualTo("B");
    int loadsBefore = loads.get();
    assertThat(cache.get("c", key -> "C" + loads.incrementAndGet())).isEqualTo("C" + (loadsBefore + 1));
    assertThat(cache.get("c", key -> "C" + loads.incrementAndGet())).as("kept in L1 now").isEqualTo("C" + (loadsBefore + 1));
    assertThat(otherInstance.get("c", key -> "loaded by the other instance")).as("published to Redis").isEqualTo("C" + (loadsBefore + 1));

    otherInstance.put("c", "C-new"); // the channel carries the invalidation to the first instance's L1
    assertThat(cache.get("c", key -> "unused")).isEqualTo("C-new");
  }

  @Test
  void storeAndLockAndChannel_madeAlone_whileRedisDown_connectOnceItStarts() {
    LogCapture log = LogCapture.of("dev.cascade.cache.redis");
    opened.add(log);
    server.process(0).kill();
    RedisTier store = RedisTier.builder(client()).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
    opened.add(store);
    RedisStampedeLock lock = RedisStampedeLock.create(client());
    opened.add(lock);
    RedisInvalidation channel = RedisInvalidation.builder(client()).build();
    opened.add(channel);

    assertThatThrownBy(() -> store.get("k").join()).hasCauseInstanceOf(CacheException.class);
    assertThat(channel.isDelivering()).isFalse();

    server.process(0).restart();

    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> store.put("k", new byte[] {1}, null).join());
    assertThat(store.get("k").join()).containsExactly(1);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(lock.tryAcquire("lease-key", Duration.ofSeconds(5)).join()).isNotNull());
    await().atMost(Duration.ofSeconds(30)).until(channel::isDelivering);

    assertThat(log.messagesAt(Level.WARNING))
        .anyMatch(message -> message.startsWith("Redis{0} not reachable"))
        .anyMatch(message -> message.startsWith("invalidation channel {0} cannot start"));
    assertThat(log.messagesAt(Level.INFO))
        .anyMatch(message -> message.startsWith("Redis{0} connected"))
        .anyMatch(message -> message.startsWith("invalidation channel {0} started"));
  }

  private RedisClient client() {
    RedisClient client = RedisTests.client(server);
    opened.add(client::shutdown);
    return client;
  }

  private RedisBackend backend() {
    // 10 s for acknowledgements: the last put must reach the other instance's L1 before it returns.
    RedisBackend backend =
        RedisBackend.builder(client())
            .commandTimeout(RedisTests.RELAXED_TIMEOUT)
            .ackTimeout(Duration.ofSeconds(10))
            .build();
    opened.add(backend);
    return backend;
  }

  private Cache<String, String> cache(RedisBackend backend) {
    Cache<String, String> cache =
        Cache.<String, String>builder("start-down")
            .inMemory(m -> m.maximumSize(1_000))
            .tier(backend.store())
            .valueCodec(StringCodec.create())
            .invalidation(backend.invalidation())
            .stampede(Stampede.distributed(backend.stampedeLock()))
            .build();
    opened.add(cache);
    return cache;
  }
}
