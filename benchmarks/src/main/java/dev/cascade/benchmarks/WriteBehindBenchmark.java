package dev.cascade.benchmarks;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.redis.Change;
import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.redis.WriteBehind;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load harness: sustained write-behind throughput (writes acknowledged per second by N producer
 * threads; batches of 100 into a no-op sink) against the seed's hand-written pattern done with raw
 * Lettuce ({@code RPUSH} to a list that one worker drains with {@code LPOP count} / {@code BLPOP}),
 * in the same run and against the same redis-server (started here on a free port, or given as the
 * first argument). Also the p99 time from acknowledgement to sink. The write-behind pays for what
 * the list does not give: durability of a delivered change until it is acknowledged, per-key order
 * across consumers, the queued-value record for loads, a bound, and the cache update.
 *
 * <pre>{@code java -cp benchmarks/target/cascade-benchmarks.jar dev.cascade.benchmarks.WriteBehindBenchmark [uri|-] [seconds] [threads]}</pre>
 */
public final class WriteBehindBenchmark {
  private static final int RING = 1 << 21;
  private static final int KEYS = 100_000;

  private WriteBehindBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchRedis redis = BenchRedis.fromArgs(args);
    RedisClient client = redis.client();
    int seconds = redis.seconds();
    int threads = redis.threads();
    try {
      rawList(client, threads, Math.max(2, seconds / 3)); // warm-up
      writeBehind(client, threads, Math.max(2, seconds / 3));
      double raw = rawList(client, threads, seconds);
      double queued = writeBehind(client, threads, seconds);
      System.out.printf(Locale.ROOT, "write-behind / raw RPUSH list = %.2fx%n", queued / raw);
    } finally {
      redis.close();
    }
  }

  private static double writeBehind(RedisClient client, int threads, int seconds) throws Exception {
    Measurement measurement = new Measurement();
    try (RedisBackend backend = RedisBackend.builder(client).commandTimeout(Duration.ofSeconds(5)).build();
        Cache<String, String> cache = Cache.<String, String>builder("bench-wb").inMemory(m -> m.maximumSize(10_000)).build()) {
      WriteBehind<String, String> queue =
          WriteBehind.builder(backend, "bench-" + System.nanoTime(), cache)
              .keyCodec(StringCodec.create())
              .valueCodec(StringCodec.create())
              .batchSize(100)
              .fullQueueWait(Duration.ofSeconds(30))
              .writer((List<Change<String, String>> batch) -> batch.forEach(change -> measurement.sunk(Long.parseLong(change.value()))))
              .build()
              .start();
      queue.put("probe", "0"); // the consumer holds its leases before the clock starts
      while (queue.stats().queueLength() > 0) {
        LockSupport.parkNanos(1_000_000);
      }
      double throughput =
          measurement.produce(
              "write-behind",
              threads,
              seconds,
              sequence -> queue.put("k" + sequence % KEYS, Long.toString(sequence)),
              () -> queue.stats().queueLength() == 0);
      queue.close();
      return throughput;
    }
  }

  private static double rawList(RedisClient client, int threads, int seconds) throws Exception {
    Measurement measurement = new Measurement();
    String list = "bench:raw-list:" + System.nanoTime();
    try (StatefulRedisConnection<String, String> producers = client.connect();
        StatefulRedisConnection<String, String> worker = client.connect()) {
      RedisCommands<String, String> producerCommands = producers.sync();
      RedisCommands<String, String> workerCommands = worker.sync();
      AtomicBoolean draining = new AtomicBoolean(true);
      Thread drainer =
          new Thread(
              () -> {
                while (draining.get()) {
                  List<String> items = workerCommands.lpop(list, 100);
                  if (items == null || items.isEmpty()) {
                    KeyValue<String, String> one = workerCommands.blpop(0.2, list);
                    if (one != null) {
                      measurement.sunk(Long.parseLong(one.getValue()));
                    }
                    continue;
                  }
                  items.forEach(item -> measurement.sunk(Long.parseLong(item)));
                }
              },
              "raw-list-worker");
      drainer.start();
      double throughput =
          measurement.produce(
              "raw RPUSH list",
              threads,
              seconds,
              sequence -> producerCommands.rpush(list, Long.toString(sequence)),
              () -> producerCommands.llen(list) == 0);
      draining.set(false);
      drainer.join();
      return throughput;
    }
  }

  /** Acknowledgement times by sequence number (a ring), and the time from acknowledgement to sink. */
  private static final class Measurement {
    private final AtomicLongArray acknowledgedAt = new AtomicLongArray(RING);
    private final AtomicLong sequence = new AtomicLong();
    private final Recorder toSink = new Recorder(3);
    private final LongAdder sunk = new LongAdder();

    /** The sink: records how long ago the change was acknowledged (0 if the producer has not yet seen its acknowledgement). */
    void sunk(long sequence) {
      long acknowledged = acknowledgedAt.getAndSet((int) (sequence & (RING - 1)), 0);
      toSink.recordValue(acknowledged == 0 ? 0 : Math.max(0, System.nanoTime() - acknowledged));
      sunk.increment();
    }

    double produce(String label, int threads, int seconds, LongConsumer write, java.util.function.BooleanSupplier drained)
        throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      CountDownLatch done = new CountDownLatch(threads);
      LongAdder acknowledged = new LongAdder();
      long started = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        new Thread(
                () -> {
                  while (System.nanoTime() < deadline) {
                    long next = sequence.incrementAndGet();
                    write.accept(next);
                    acknowledgedAt.set((int) (next & (RING - 1)), System.nanoTime());
                    acknowledged.increment();
                  }
                  done.countDown();
                },
                "producer-" + t)
            .start();
      }
      done.await();
      double elapsed = (System.nanoTime() - started) / 1e9;
      long drainStart = System.nanoTime();
      while (!drained.getAsBoolean() || sunk.sum() < acknowledged.sum()) {
        if (System.nanoTime() - drainStart > Duration.ofSeconds(120).toNanos()) {
          throw new IllegalStateException(label + ": not drained after 120 s");
        }
        LockSupport.parkNanos(1_000_000);
      }
      double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
      Histogram histogram = toSink.getIntervalHistogram();
      double throughput = acknowledged.sum() / elapsed;
      System.out.printf(
          Locale.ROOT,
          "%-16s %,10.0f acks/s   ack->sink p50 %,9.2f ms   p99 %,9.2f ms   max %,9.2f ms   (%d threads, %d s, drained %.2f s after)%n",
          label,
          throughput,
          histogram.getValueAtPercentile(50) / 1e6,
          histogram.getValueAtPercentile(99) / 1e6,
          histogram.getMaxValue() / 1e6,
          threads,
          seconds,
          drainSeconds);
      return throughput;
    }
  }
}
