package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The consumer in a separate JVM, SIGKILLed at a random point while 10 000 writes flow: a consumer
 * started afterwards takes the dead one's partitions and the changes it held once its leases
 * lapse, and the sink ends with every acknowledged write.
 */
class WriteBehindCrashIT {
  private static final Duration MIN_IDLE = Duration.ofSeconds(3);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration SLACK = Duration.ofSeconds(3); // a busy 2-core machine
  private static final int WRITES = 10_000;
  private static final int KEYS = 1_000;

  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Test
  void consumerSigkilled_noAcknowledgedWriteMissing_deadConsumersEntriesReclaimedWithinMinIdlePlusOnePoll() throws Exception {
    long seed = System.nanoTime();
    int killAfter = 500 + new Random(seed).nextInt(6_000);
    System.out.println("WriteBehindCrashIT seed " + seed + ": kill after " + killAfter + " applied writes");
    String name = "crash";
    Process worker = startWorker(name, "worker-1");

    RedisClient client = (RedisClient) redis.client();
    Map<String, String> expected = new ConcurrentHashMap<>();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    try (RedisBackend backend = RedisBackend.builder(client).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
        Cache<String, String> cache = Cache.<String, String>builder("wb-crash").inMemory(m -> m.maximumSize(2_000)).build();
        StatefulRedisConnection<String, String> database = client.connect()) {
      WriteBehind<String, String> queue =
          WriteBehindWorker.queue(backend, name, cache, MIN_IDLE, POLL)
              .consumerName("recoverer")
              .writer(batch -> WriteBehindWorker.sink(database.async(), batch))
              .build();
      CompletableFuture<Void> producer =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < WRITES; i++) {
                  String key = "k" + (i % KEYS);
                  String value = "v" + i;
                  queue.put(key, value);
                  acknowledged.add(value);
                  expected.put(key, value);
                }
              });

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> appliedCount() >= killAfter && pendingOf(name, "worker-1") > 0);
      worker.destroyForcibly();
      worker.waitFor();
      long killedAt = System.nanoTime();
      long heldByTheDead = pendingOf(name, "worker-1");
      assertThat(heldByTheDead).as("changes the killed consumer held").isPositive();
      assertThat(inAnyGroup(name, "worker-1")).isTrue();

      queue.start();
      Duration bound = MIN_IDLE.plus(POLL).plus(SLACK).minusNanos(System.nanoTime() - killedAt);
      await("the dead consumer's changes claimed").atMost(bound).pollInterval(Duration.ofMillis(20)).until(() -> pendingOf(name, "worker-1") == 0);
      System.out.printf(
          "WriteBehindCrashIT: %d changes held by the killed consumer, claimed %d ms after the kill (bound %d ms + %d ms slack)%n",
          heldByTheDead, (System.nanoTime() - killedAt) / 1_000_000, MIN_IDLE.plus(POLL).toMillis(), SLACK.toMillis());

      await("the dead consumer forgotten by every partition's group").atMost(Duration.ofSeconds(10)).until(() -> !inAnyGroup(name, "worker-1"));

      producer.get();
      await("the queue drained").atMost(Duration.ofSeconds(60)).until(() -> queue.stats().queueLength() == 0);
      queue.close(Duration.ofSeconds(10));

      @SuppressWarnings("unchecked")
      Set<String> applied = new HashSet<>((List<String>) redis.server().command(0, "SMEMBERS", WriteBehindWorker.APPLIED));
      Set<String> missing = new HashSet<>(acknowledged);
      missing.removeAll(applied);
      assertThat(acknowledged).hasSize(WRITES);
      assertThat(missing).as("acknowledged writes missing in the sink").isEmpty();
      assertThat(sink()).isEqualTo(expected);
    } finally {
      worker.destroyForcibly();
    }
  }

  private static Process startWorker(String name, String consumer) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            WriteBehindWorker.class.getName(),
            redis.server().uri(),
            name,
            consumer,
            Long.toString(MIN_IDLE.toMillis()),
            Long.toString(POLL.toMillis()),
            "20")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/write-behind-worker.log")))
        .start();
  }

  private static long appliedCount() {
    return (Long) redis.server().command(0, "SCARD", WriteBehindWorker.APPLIED);
  }

  /** The changes delivered to {@code consumer} and not acknowledged, over the queue's 4 partitions. */
  static long pendingOf(String name, String consumer) {
    long pending = 0;
    for (int partition = 0; partition < 4; partition++) {
      String stream = "cascade:wb:{" + name + ":" + partition + "}:stream";
      if ((Long) redis.server().command(0, "EXISTS", stream) == 0) {
        continue;
      }
      List<?> summary = (List<?>) redis.server().command(0, "XPENDING", stream, "cascade");
      if (summary.size() > 3 && summary.get(3) instanceof List<?> consumers) {
        for (Object entry : consumers) {
          List<?> pair = (List<?>) entry;
          if (consumer.equals(pair.get(0))) {
            pending += Long.parseLong(String.valueOf(pair.get(1)));
          }
        }
      }
    }
    return pending;
  }

  private static boolean inAnyGroup(String name, String consumer) {
    for (int partition = 0; partition < 4; partition++) {
      String stream = "cascade:wb:{" + name + ":" + partition + "}:stream";
      if ((Long) redis.server().command(0, "EXISTS", stream) == 1L
          && String.valueOf(redis.server().command(0, "XINFO", "CONSUMERS", stream, "cascade")).contains(consumer)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, String> sink() {
    List<?> flat = (List<?>) redis.server().command(0, "HGETALL", WriteBehindWorker.SINK);
    Map<String, String> sink = new HashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      sink.put((String) flat.get(i), (String) flat.get(i + 1));
    }
    return sink;
  }
}
