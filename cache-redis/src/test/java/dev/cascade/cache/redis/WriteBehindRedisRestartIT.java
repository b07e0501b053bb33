package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis itself SIGKILLed and restarted on its data while writes flow, with {@code appendonly yes}
 * and {@code appendfsync always}: Redis fsyncs a change before it acknowledges it, so no write that
 * {@code put} acknowledged is lost. (With {@code appendfsync everysec}, up to about a second of
 * acknowledged writes can be lost; docs/writes.md says so.)
 */
class WriteBehindRedisRestartIT {
  private static final int WRITES = 5_000;

  @RegisterExtension static final RedisSetup redis = RedisSetup.durableStandalone();

  @Test
  void redisSigkilledMidRun_appendfsyncAlways_noAcknowledgedWriteLost() throws Exception {
    Map<String, String> database = new ConcurrentHashMap<>();
    Set<String> applied = ConcurrentHashMap.newKeySet();
    Map<String, String> expected = new ConcurrentHashMap<>();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try (RedisBackend backend = RedisBackend.builder((RedisClient) redis.client()).commandTimeout(Duration.ofSeconds(1)).build();
        Cache<String, String> cache = Cache.<String, String>builder("wb-restart").inMemory(m -> m.maximumSize(1_000)).build();
        WriteBehind<String, String> queue =
            WriteBehindWorker.queue(backend, "restart", cache, Duration.ofSeconds(5), Duration.ofMillis(200))
                .writer(
                    batch -> {
                      for (Change<String, String> change : batch) {
                        database.put(change.key(), change.value());
                        applied.add(change.value());
                      }
                    })
                .build()
                .start()) {
      CompletableFuture<Void> producer =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < WRITES; i++) {
                  String key = "k" + (i % 500);
                  String value = "v" + i;
                  while (true) {
                    try {
                      queue.put(key, value);
                      break;
                    } catch (CacheException notAcknowledged) {
                      // Redis is down: the write may or may not be queued; only acknowledged ones count
                      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                    }
                  }
                  acknowledged.add(value);
                  expected.put(key, value);
                }
              });

      assertThat(redis.server().command(0, "CONFIG", "GET", "appendfsync").toString()).contains("always");
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= WRITES / 3 && queue.stats().queueLength() > 0);
      redis.server().process(0).kill();
      int acknowledgedAtKill = acknowledged.size();
      redis.server().process(0).restart();
      await("the append-only file loaded")
          .atMost(Duration.ofSeconds(30))
          .until(() -> ((String) redis.server().command(0, "INFO", "persistence")).contains("loading:0"));
      assertThat((String) redis.server().command(0, "INFO", "persistence")).contains("aof_enabled:1");
      producer.get();
      System.out.printf("WriteBehindRedisRestartIT: Redis killed after %d acknowledged writes%n", acknowledgedAtKill);

      assertThat(acknowledgedAtKill).as("killed mid-run").isLessThan(WRITES);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsInstanceOf(CacheException.class)
          .until(() -> queue.stats().queueLength() == 0);
      Set<String> missing = new HashSet<>(acknowledged);
      missing.removeAll(applied);
      assertThat(acknowledged).hasSize(WRITES);
      assertThat(missing).as("acknowledged writes lost").isEmpty();
      assertThat(database).isEqualTo(expected);
    }
  }
}
