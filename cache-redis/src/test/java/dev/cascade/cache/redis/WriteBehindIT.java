package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Write-behind against a real Redis, with the consumer in this JVM and a map as the database. */
class WriteBehindIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private final Map<String, String> database = new ConcurrentHashMap<>();
  private final List<AutoCloseable> opened = new ArrayList<>();
  private RedisBackend backend;
  private Cache<String, String> cache;

  @BeforeEach
  void open() {
    backend = RedisBackend.builder((RedisClient) redis.client()).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
    cache = Cache.<String, String>builder("wb-it").inMemory(m -> m.maximumSize(50_000)).build();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : opened) {
      closeable.close();
    }
    cache.close();
    backend.close();
  }

  private WriteBehindBuilder<String, String> queue(String name) {
    return WriteBehind.builder(backend, name, cache)
        .keyCodec(StringCodec.create())
        .valueCodec(StringCodec.create())
        .blockTime(Duration.ofMillis(100))
        .minIdle(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100));
  }

  private WriteBehind<String, String> opened(WriteBehind<String, String> queue) {
    opened.add(0, queue);
    return queue;
  }

  /** Applies {@code batch} in order to the map standing for the database. */
  private void applyToDatabase(List<Change<String, String>> batch, int count) {
    for (Change<String, String> change : batch.subList(0, count)) {
      if (change.isDelete()) {
        database.remove(change.key());
      } else {
        database.put(change.key(), change.value());
      }
    }
  }

  @Test
  void putPutDelete_10000KeysWriterFailingAtRandom_everyKeyEndsDeleted() throws Exception {
    Random failures = new Random(42);
    Set<String> everWritten = ConcurrentHashMap.newKeySet();
    WriteBehind<String, String> queue =
        opened(
            queue("put-put-delete")
                .batchSize(100)
                .maxDeliveries(1_000)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .writer(
                    batch -> {
                      batch.forEach(change -> everWritten.add(change.key()));
                      if (failures.nextInt(100) < 15) {
                        // a failure after part of the batch was written, as a database can fail mid-way
                        applyToDatabase(batch, failures.nextInt(batch.size() + 1));
                        throw new IOException("injected failure");
                      }
                      applyToDatabase(batch, batch.size());
                    })
                .build()
                .start());

    int keys = 10_000;
    int producers = 4;
    dev.cascade.cache.testkit.Concurrently.run(
        producers,
        p -> {
          for (int i = p; i < keys; i += producers) {
            String key = "key" + i;
            queue.put(key, "A" + i);
            queue.put(key, "B" + i);
            queue.delete(key);
          }
          return null;
        });

    await().atMost(Duration.ofSeconds(120)).until(() -> queue.stats().queueLength() == 0);
    WriteBehindStats stats = queue.stats();
    assertThat(everWritten).hasSize(keys);
    assertThat(database).as("keys left in the database").isEmpty();
    assertThat(stats.retries()).as("injected failures").isPositive();
    assertThat(stats.deadLetters()).isZero();
    assertThat(stats.pendingEntries()).isZero();
  }

  @Test
  void poisonChange_reachesDeadLetterStreamAfterMaxDeliveries_restKeepsFlowing() {
    WriteBehind<String, String> queue =
        opened(
            queue("poison")
                .maxDeliveries(3)
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .writer(
                    batch -> {
                      for (Change<String, String> change : batch) {
                        if (change.key().equals("poison")) {
                          throw new IllegalArgumentException("the database refuses " + change.key());
                        }
                      }
                      applyToDatabase(batch, batch.size());
                    })
                .build()
                .start());

    for (int i = 0; i < 200; i++) {
      if (i == 100) {
        queue.put("poison", "bad");
      }
      queue.put("k" + i, "v" + i);
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> queue.stats().queueLength() == 0);
    assertThat(database).hasSize(200).doesNotContainKey("poison").containsEntry("k199", "v199");
    String deadLetters = "cascade:wb:{poison:" + queue.partition("poison") + "}:dead";
    List<?> dead = (List<?>) redis.server().command(0, "XRANGE", deadLetters, "-", "+");
    assertThat(dead).hasSize(1);
    List<?> fields = (List<?>) ((List<?>) dead.get(0)).get(1);
    Map<String, String> entry = new java.util.HashMap<>();
    for (int i = 0; i < fields.size(); i += 2) {
      entry.put((String) fields.get(i), (String) fields.get(i + 1));
    }
    assertThat(entry).containsEntry("k", "poison").containsEntry("v", "bad").containsEntry("deliveries", "3");
    assertThat(entry.get("error")).contains("the database refuses poison");
    assertThat(queue.stats().deadLetters()).isEqualTo(1);
    // the cache no longer holds the value the database never got, and loads go to the database
    assertThat(cache.getIfPresent("poison")).isNull();
    assertThat(queue.loader(key -> "from-database").apply("poison")).isEqualTo("from-database");
  }

  @Test
  void metrics_reportTheQueueWhileItWaits_andTheBatchesOnceItDrains() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WriteBehind<String, String> queue =
        opened(
            queue("metered")
                .writer(batch -> applyToDatabase(batch, batch.size()))
                .build());
    WriteBehindMetrics.monitor(queue, registry, "service", "test");
    for (int i = 0; i < 25; i++) {
      queue.put("m" + i, "v" + i);
    }

    assertThat(registry.get("cache.writebehind.queue.length").tags("queue", "metered", "service", "test").gauge().value())
        .isEqualTo(25);
    queue.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(registry.get("cache.writebehind.queue.length").gauge().value()).isZero();
              assertThat(registry.get("cache.writebehind.batches").functionCounter().count()).isPositive();
            });
    assertThat(registry.get("cache.writebehind.dead.letters").gauge().value()).isZero();
    assertThat(database).hasSize(25);

    queue.close();
    assertThat(registry.find("cache.writebehind.queue.length").tags("queue", "metered").meters())
        .as("meters of the closed queue")
        .isEmpty();
    WriteBehind<String, String> again =
        opened(queue("metered").writer(batch -> applyToDatabase(batch, batch.size())).build());
    WriteBehindMetrics.monitor(again, registry, "service", "test");
    again.put("after", "v");
    assertThat(registry.get("cache.writebehind.queue.length").tags("queue", "metered").gauge().value())
        .as("the queue monitored again under the same name")
        .isEqualTo(1);
  }

  @Test
  void metrics_closingOneOfTwoQueuesOfOneName_keepsTheMetersTheOtherRegistered_andAClosedQueueGetsNone() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WriteBehind<String, String> first = opened(queue("shared").writer(batch -> applyToDatabase(batch, batch.size())).build());
    WriteBehind<String, String> second = opened(queue("shared").writer(batch -> applyToDatabase(batch, batch.size())).build());
    WriteBehindMetrics.monitor(first, registry);
    WriteBehindMetrics.monitor(second, registry);

    second.close();
    first.put("k", "v");
    assertThat(registry.get("cache.writebehind.queue.length").tags("queue", "shared").gauge().value())
        .as("the first queue, still open, is still reported")
        .isEqualTo(1);

    first.close();
    WriteBehind<String, String> closed = opened(queue("closed").writer(batch -> applyToDatabase(batch, batch.size())).build());
    closed.close();
    WriteBehindMetrics.monitor(closed, registry);
    assertThat(registry.getMeters()).as("meters left").isEmpty();
  }

  @Test
  void loader_whileWriteQueued_returnsQueuedValueNotDatabases() {
    WriteBehind<String, String> queue =
        opened(queue("loader").writer(batch -> applyToDatabase(batch, batch.size())).build());
    database.put("k", "old");
    database.put("gone", "old");
    Function<String, String> loader = queue.loader(database::get);

    queue.put("k", "queued");
    queue.delete("gone");
    cache.invalidate("k");

    assertThat(cache.get("k", loader)).isEqualTo("queued");
    assertThat(loader.apply("gone")).as("a queued delete").isNull();
    assertThat(database).containsEntry("k", "old").containsEntry("gone", "old");

    queue.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> queue.stats().queueLength() == 0);
    assertThat(database).containsEntry("k", "queued").doesNotContainKey("gone");
    assertThat(redis.server().command(0, "HLEN", "cascade:wb:{loader:" + queue.partition("k") + "}:pending")).isEqualTo(0L);
    assertThat(loader.apply("k")).isEqualTo("queued");
  }

  @Test
  void put_partitionFull_throwsNamingTheLimit_nothingDropped() {
    WriteBehind<String, String> queue = opened(queue("full").partitions(1).maxLength(5).build());
    for (int i = 0; i < 5; i++) {
      queue.put("k" + i, "v" + i);
    }

    assertThatThrownBy(() -> queue.put("k5", "v5"))
        .isInstanceOf(WriteBehindFullException.class)
        .hasMessageContaining("maxLength=5");
    assertThat(cache.getIfPresent("k5")).as("a refused change leaves the cache unchanged").isNull();
    WriteBehindStats stats = queue.stats();
    assertThat(stats.queueLength()).isEqualTo(5);
    assertThat(stats.pendingEntries()).isZero();
    assertThat(redis.server().command(0, "XLEN", "cascade:wb:{full:0}:stream")).isEqualTo(5L);
  }

  @Test
  void close_stopsTheConsumer_queuedChangesWaitForTheNext() {
    WriteBehind<String, String> first = queue("handover").writer(batch -> applyToDatabase(batch, batch.size())).build().start();
    first.put("a", "1");
    await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(database.get("a")));
    assertThat(first.close(Duration.ofSeconds(5))).as("stopped cleanly").isTrue();

    WriteBehind<String, String> producer = opened(queue("handover").build());
    producer.put("b", "2");
    assertThat(database).doesNotContainKey("b");
    WriteBehind<String, String> next =
        opened(queue("handover").writer(batch -> applyToDatabase(batch, batch.size())).build().start());
    // the first consumer gave its leases up: the next takes them at once, not after minIdle (10 s)
    await().atMost(Duration.ofSeconds(5)).until(() -> "2".equals(database.get("b")));
    assertThat(next.stats().queueLength()).isZero();
    // the closed consumer left nothing pending, so it left the group too
    for (int partition = 0; partition < 4; partition++) {
      String stream = "cascade:wb:{handover:" + partition + "}:stream";
      if ((Long) redis.server().command(0, "EXISTS", stream) == 1L) {
        assertThat(String.valueOf(redis.server().command(0, "XINFO", "CONSUMERS", stream, "cascade"))).doesNotContain(first.consumerName());
      }
    }
  }

  @Test
  void builder_badOrRepeatedOptions_throwNamingThem_closedQueueRefusesWrites() {
    assertThatThrownBy(() -> queue("options").batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("batchSize must be between 1 and 10000, was 0");
    assertThatThrownBy(() -> queue("options").partitions(2).partitions(3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("partitions was already set to 2");
    assertThatThrownBy(() -> WriteBehind.builder(backend, "a{b}", cache))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a{b}");
    assertThatThrownBy(() -> WriteBehind.builder(backend, "options", cache).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyCodec");
    assertThatThrownBy(
            () ->
                WriteBehind.builder(backend, "options", cache)
                    .keyCodec(StringCodec.create())
                    .valueCodec(StringCodec.create())
                    .minIdle(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(500))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pollInterval PT0.5S must be at most a third of minIdle PT1S");
    WriteBehind<String, String> producerOnly = queue("options").build();
    assertThatThrownBy(producerOnly::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("no writer");
    producerOnly.close();
    assertThatThrownBy(() -> producerOnly.put("k", "v")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void twoConsumers_oneClosedMidRun_neverApplyAPartitionAtOnce_everyKeyEndsDeleted() throws Exception {
    int partitions = 4;
    java.util.concurrent.atomic.AtomicIntegerArray applying = new java.util.concurrent.atomic.AtomicIntegerArray(partitions);
    Set<String> overlaps = ConcurrentHashMap.newKeySet();
    Set<String> appliedBy = ConcurrentHashMap.newKeySet();
    Function<String, BatchWriter<String, String>> writerOf =
        consumer ->
            batch -> {
              int partition = batch.get(0).partition();
              if (applying.incrementAndGet(partition) != 1) {
                overlaps.add("partition " + partition + " by " + consumer);
              }
              try {
                appliedBy.add(consumer);
                applyToDatabase(batch, batch.size());
              } finally {
                applying.decrementAndGet(partition);
              }
            };
    WriteBehind<String, String> first = queue("two").partitions(partitions).consumerName("first").writer(writerOf.apply("first")).build().start();
    WriteBehind<String, String> second =
        opened(queue("two").partitions(partitions).consumerName("second").writer(writerOf.apply("second")).build().start());

    int keys = 5_000;
    for (int i = 0; i < keys; i++) {
      String key = "key" + i;
      WriteBehind<String, String> producer = i < keys / 2 && i % 2 == 0 ? first : second;
      producer.put(key, "A" + i);
      producer.put(key, "B" + i);
      if (i == keys / 2) {
        first.close(Duration.ofSeconds(5)); // its partitions move to the second consumer
      }
      (i < keys / 2 && i % 3 == 0 ? first : second).delete(key);
    }

    await().atMost(Duration.ofSeconds(60)).until(() -> second.stats().queueLength() == 0);
    assertThat(overlaps).as("partitions applied by two consumers at once").isEmpty();
    assertThat(database).as("keys left in the database").isEmpty();
    assertThat(appliedBy).containsExactlyInAnyOrder("first", "second");
  }
}
