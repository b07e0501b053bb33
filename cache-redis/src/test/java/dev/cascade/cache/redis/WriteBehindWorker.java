package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A write-behind consumer in its own JVM for {@link WriteBehindCrashIT}, killed with SIGKILL by the
 * test. Its "database" is a sink on the test's Redis, outside the queue's keys: {@link #SINK} holds
 * the last value per key and {@link #APPLIED} every value ever written (values are unique, so a
 * missing acknowledged write shows as a value missing there). Each batch also takes {@code
 * batchMillis} more, as a database write would, so that the consumer is almost always holding a
 * batch when it is killed.
 *
 * <p>Arguments: Redis URI, queue name, consumer name, minIdle ms, poll interval ms, batch ms.
 */
public final class WriteBehindWorker {
  static final String SINK = "wb-test:sink";
  static final String APPLIED = "wb-test:applied";

  private WriteBehindWorker() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    RedisClient client = RedisClient.create(uri);
    StatefulRedisConnection<String, String> database = client.connect();
    long batchMillis = Long.parseLong(args[5]);
    RedisBackend backend = RedisBackend.builder(client).commandTimeout(Duration.ofSeconds(2)).build();
    Cache<String, String> cache = Cache.<String, String>builder("wb-worker").inMemory(m -> m.maximumSize(1_000)).build();
    WriteBehind<String, String> queue =
        queue(backend, args[1], cache, Duration.ofMillis(Long.parseLong(args[3])), Duration.ofMillis(Long.parseLong(args[4])))
            .consumerName(args[2])
            .writer(
                batch -> {
                  sink(database.async(), batch);
                  new CountDownLatch(1).await(batchMillis, TimeUnit.MILLISECONDS); // the database's own time
                })
            .build();
    queue.start();
    new CountDownLatch(1).await(); // until killed
  }

  /** The options the test and the worker share. */
  static WriteBehindBuilder<String, String> queue(
      RedisBackend backend, String name, Cache<String, String> cache, Duration minIdle, Duration pollInterval) {
    return WriteBehind.builder(backend, name, cache)
        .keyCodec(StringCodec.create())
        .valueCodec(StringCodec.create())
        .partitions(4)
        .batchSize(100)
        .blockTime(Duration.ofMillis(200))
        .minIdle(minIdle)
        .pollInterval(pollInterval);
  }

  /** Writes {@code batch} into the sink in order, pipelined, and waits for Redis to take it. */
  static void sink(RedisAsyncCommands<String, String> database, List<Change<String, String>> batch) {
    List<RedisFuture<?>> replies = new ArrayList<>();
    for (Change<String, String> change : batch) {
      if (change.isDelete()) {
        replies.add(database.hdel(SINK, change.key()));
        replies.add(database.sadd(APPLIED, "deleted:" + change.key() + ":" + change.id()));
      } else {
        replies.add(database.hset(SINK, change.key(), change.value()));
        replies.add(database.sadd(APPLIED, change.value()));
      }
    }
    if (!LettuceFutures.awaitAll(Duration.ofSeconds(10), replies.toArray(RedisFuture[]::new))) {
      throw new IllegalStateException("the sink did not answer");
    }
  }
}
